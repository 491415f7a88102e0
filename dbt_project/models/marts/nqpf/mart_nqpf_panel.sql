-- The indicator panel: every unit of a system's geography x every year of its window x every
-- indicator in use, with the published value, the transformed value, how a missing value was
-- filled, and where the unit-year is in the index what treatment and imputation did and the
-- normalised value.
with filled as (

    select * from {{ ref('int_nqpf__03_filled') }}

),

sample as (

    select * from {{ ref('int_nqpf__05_sample') }}

),

final as (

    select
        filled.system_id,
        filled.geo_code,
        filled.year,
        filled.indicator_id,
        indicators.element,
        indicators.transform,
        filled.raw_value,
        filled.denominator_value,
        filled.indicator_value,
        filled.filled_value,
        filled.fill_method,
        coalesce(filled.fill_method in ('interpolated', 'extrapolated'), false) as is_filled,
        filled.drop_reason,
        coalesce(engine.treatment, 'none') as treatment,
        engine.treated_value,
        coalesce(engine.is_imputed, false) as is_imputed,
        engine.prepared_value,
        engine.normalised_value,
        sample.in_index
    from filled
    inner join sample using (system_id, geo_code, year)
    inner join {{ ref('int_nqpf__01_system_indicators') }} as indicators using (system_id, indicator_id)
    inner join {{ ref('int_nqpf__04_indicator_status') }} as status using (system_id, indicator_id)
    left join {{ ref('int_nqpf__07_values') }} as engine on filled.cell_id = engine.cell_id
    where
        sample.in_window
        and status.status = 'in use'

)

select * from final
