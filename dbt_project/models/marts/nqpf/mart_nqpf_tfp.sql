-- The NQPF index beside TFP: for every economy-year of an economies system, the composite,
-- its rank, the three element scores and the coupling coordination degree next to TFP growth
-- and the TFP level from the Penn World Table growth accounting (null where PWT has none,
-- e.g. after 2019).
with index as (

    select nqpf.*
    from {{ ref('mart_nqpf_index') }} as nqpf
    inner join {{ ref('nqpf_systems') }} as systems using (system_id)
    where systems.geography = 'economies'

),

final as (

    select
        index.system_id,
        index.geo_code as economy_code,
        index.geo_name as economy_name,
        index.year,
        index.nqpf_index,
        index.nqpf_rank,
        index.laborers_score,
        index.instruments_score,
        index.subjects_score,
        index.coupling_coordination,
        growth.tfp_growth,
        growth.labour_productivity_growth,
        growth.labour_basis as tfp_labour_basis,
        levels.tfp_index,
        levels.tfp_growth_avg_5y,
        levels.tfp_share_of_output_growth_5y
    from index
    left join {{ ref('mart_tfp_growth_accounting') }} as growth
        on
            index.geo_code = growth.economy_code
            and index.year = growth.year
    left join {{ ref('mart_tfp_levels') }} as levels
        on
            index.geo_code = levels.economy_code
            and index.year = levels.year

)

select * from final
