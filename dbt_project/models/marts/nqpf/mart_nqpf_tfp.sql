-- The NQPF index beside TFP: for every unit-year of a system, the composite, its rank, the three
-- element scores and the coupling coordination degree next to TFP growth and the TFP level:
-- from the Penn World Table growth accounting for economies (null where PWT has none, e.g.
-- after 2019), from the provincial growth accounting for China's provinces (2001-2018).
with index as (

    select
        nqpf.*,
        systems.geography
    from {{ ref('mart_nqpf_index') }} as nqpf
    inner join {{ ref('nqpf_systems') }} as systems using (system_id)

),

tfp as (

    select
        'economies' as geography,
        growth.economy_code as geo_code,
        growth.year,
        growth.tfp_growth,
        growth.labour_productivity_growth,
        growth.labour_basis as tfp_labour_basis,
        levels.tfp_index,
        levels.tfp_growth_avg_5y,
        levels.tfp_share_of_output_growth_5y
    from {{ ref('mart_tfp_growth_accounting') }} as growth
    left join {{ ref('mart_tfp_levels') }} as levels using (economy_code, year)
    union all
    select
        'provinces' as geography,
        growth.province_code as geo_code,
        growth.year,
        growth.tfp_growth,
        growth.labour_productivity_growth,
        'employed persons' as tfp_labour_basis,
        levels.tfp_index,
        levels.tfp_growth_avg_5y,
        levels.tfp_share_of_output_growth_5y
    from {{ ref('mart_china_tfp_growth_accounting') }} as growth
    left join {{ ref('mart_china_tfp_levels') }} as levels using (province_code, year)

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
        tfp.tfp_growth,
        tfp.labour_productivity_growth,
        tfp.tfp_labour_basis,
        tfp.tfp_index,
        tfp.tfp_growth_avg_5y,
        tfp.tfp_share_of_output_growth_5y
    from index
    left join tfp
        on
            index.geography = tfp.geography
            and index.geo_code = tfp.geo_code
            and index.year = tfp.year

)

select * from final
