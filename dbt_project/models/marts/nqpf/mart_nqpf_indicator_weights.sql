-- Every indicator of every system: the seed row, whether it takes part, its nominal weights,
-- every weighting method's weight over the system, and its effective importance.
-- Formulas: docs blocks nqpf_weights and nqpf_audit (models/docs/methods.md).
with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

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
        weights.min_value,
        weights.max_value,
        weights.weighting,
        weights.entropy,
        weights.divergence,
        weights.weight_in_element,
        weights.weight_in_system,
        weights.entropy_weight,
        weights.critic_weight,
        weights.equal_weight,
        weights.pca_weight,
        weights.correlation_ratio,
        weights.importance_share
    from indicators
    inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)
    left join {{ ref('int_nqpf__08_indicators') }} as weights using (system_id, indicator_id)

)

select * from final
