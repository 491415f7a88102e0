-- Entropy weights of every indicator, within its element and over the whole system.
-- Formula: docs block nqpf_entropy_weights (models/docs/methods.md).
with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

normalised as (

    select * from {{ ref('int_nqpf__06_normalised') }}

),

shares as (

    select
        system_id,
        indicator_id,
        normalised_value / sum(normalised_value) over (partition by system_id, indicator_id) as p
    from normalised

),

entropy as (

    select
        system_id,
        indicator_id,
        count(*) as n_values,
        case when count(*) > 1 then -sum(p * ln(p)) / ln(count(*)) end as entropy
    from shares
    group by system_id, indicator_id

),

ranges as (

    select
        system_id,
        indicator_id,
        min(value) as min_value,
        max(value) as max_value
    from normalised
    group by system_id, indicator_id

),

weights as (

    select
        entropy.*,
        1 - entropy.entropy as divergence,
        indicators.element,
        (1 - entropy.entropy) / sum(1 - entropy.entropy) over (partition by entropy.system_id, indicators.element)
            as weight_in_element,
        (1 - entropy.entropy) / sum(1 - entropy.entropy) over (partition by entropy.system_id) as weight_in_system
    from entropy
    inner join indicators using (system_id, indicator_id)

),

final as (

    select
        indicators.system_id,
        indicators.indicator_id,
        indicators.element,
        indicators.sub_dimension,
        indicators.source,
        indicators.indicator_code,
        indicators.direction,
        indicators.transform,
        indicators.unit,
        indicators.description,
        indicators.citation,
        status.status,
        status.observed_values,
        cast(weights.n_values as bigint) as n_values,
        ranges.min_value,
        ranges.max_value,
        weights.entropy,
        weights.divergence,
        weights.weight_in_element,
        weights.weight_in_system
    from indicators
    inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)
    left join weights using (system_id, indicator_id)
    left join ranges using (system_id, indicator_id)

)

select * from final
