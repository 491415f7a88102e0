-- Outlier treatment per system and indicator: the statistics before and after, what was done,
-- and which points were winsorised with their original values. Rule: docs block nqpf_treatment.
select
    treatment.system_id,
    treatment.indicator_id,
    indicators.element,
    treatment.treatment_rule,
    treatment.method,
    cast(treatment.n_observed as integer) as n_values,
    treatment.skew_before,
    treatment.kurt_before,
    treatment.passed_before,
    cast(treatment.points_winsorised as integer) as points_winsorised,
    treatment.log_transformed,
    treatment.skew_after,
    treatment.kurt_after,
    treatment.winsorised_high,
    treatment.winsorised_low
from {{ ref('int_nqpf__08_indicators') }} as treatment
inner join {{ ref('int_nqpf__01_system_indicators') }} as indicators using (system_id, indicator_id)
