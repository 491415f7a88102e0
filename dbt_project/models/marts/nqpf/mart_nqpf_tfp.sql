-- The NQPF index beside TFP: for every unit-year of a system, the composite, its rank, the three
-- element scores and the coupling coordination degree next to TFP growth and the TFP level:
-- from the Penn World Table growth accounting for economies (extended after PWT's last year,
-- `tfp_basis = extended`), from the provincial growth accounting for China's provinces (2001-2018); and the
-- frontier indices (DEA Malmquist and Malmquist-Luenberger) of the change from the year before.
with index as (

    select
        nqpf.*,
        systems.geography
    from {{ ref('mart_nqpf_index') }} as nqpf
    inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)

),

tfp as (

    select
        'economies' as geography,
        growth.economy_code as geo_code,
        growth.year,
        growth.tfp_growth,
        growth.labour_productivity_growth,
        growth.labour_basis as tfp_labour_basis,
        growth.basis as tfp_basis,
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
        'provincial' as tfp_basis,
        levels.tfp_index,
        levels.tfp_growth_avg_5y,
        levels.tfp_share_of_output_growth_5y
    from {{ ref('mart_china_tfp_growth_accounting') }} as growth
    left join {{ ref('mart_china_tfp_levels') }} as levels using (province_code, year)

),

frontier as (

    -- the frontier indices of the pair that ends in the year (year_to): productivity change since the year before
    select
        case panel when 'economies' then 'economies' else 'provinces' end as geography,
        unit_code as geo_code,
        year_to as year,
        m as malmquist_index,
        ec as malmquist_efficiency_change,
        tc as malmquist_technical_change,
        ml as malmquist_luenberger_index
    from {{ ref('mart_tfp_malmquist') }}
    where year_to = year_from + 1

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
        tfp.tfp_basis,
        tfp.tfp_index,
        tfp.tfp_growth_avg_5y,
        tfp.tfp_share_of_output_growth_5y,
        frontier.malmquist_index,
        frontier.malmquist_efficiency_change,
        frontier.malmquist_technical_change,
        frontier.malmquist_luenberger_index
    from index
    left join tfp
        on
            index.geography = tfp.geography
            and index.geo_code = tfp.geo_code
            and index.year = tfp.year
    left join frontier
        on
            index.geography = frontier.geography
            and index.geo_code = frontier.geo_code
            and index.year = frontier.year

)

select * from final
