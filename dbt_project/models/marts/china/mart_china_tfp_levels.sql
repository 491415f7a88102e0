-- Provincial TFP level index (base year = 1), 5- and 10-year average TFP growth and TFP's share
-- of output growth over 10 years. Rules: docs block china_tfp_growth_accounting.
{% set base_year = nqpf_var('china_tfp_base_year') %}

with growth as (

    select
        *,
        sum(tfp_growth) over running as cumulative_tfp_growth,
        count(*) over window_5 as years_5,
        avg(tfp_growth) over window_5 as tfp_growth_avg_5,
        avg(output_growth) over window_5 as output_growth_avg_5,
        count(*) over window_10 as years_10,
        avg(tfp_growth) over window_10 as tfp_growth_avg_10,
        avg(output_growth) over window_10 as output_growth_avg_10,
        min(year) over window_5 as first_year_5
    from {{ ref('mart_china_tfp_growth_accounting') }}
    window
        running as (partition by province_code order by year rows between unbounded preceding and current row),
        window_5 as (partition by province_code order by year range between 4 preceding and current row),
        window_10 as (partition by province_code order by year range between 9 preceding and current row)

),

base as (

    select
        province_code,
        max(case when year = {{ base_year }} then cumulative_tfp_growth end) as base_cumulative,
        -- the chain is unbroken when every year from the first to the last has its growth
        max(year) - min(year) + 1 = count(*) as unbroken
    from growth
    group by province_code

),

final as (

    select
        growth.province_code,
        growth.province_name,
        growth.year,
        case when base.unbroken then exp(growth.cumulative_tfp_growth - base.base_cumulative) end as tfp_index,
        case when growth.years_5 = 5 then growth.tfp_growth_avg_5 end as tfp_growth_avg_5y,
        case when growth.years_5 = 5 then growth.tfp_growth_avg_5 / nullif(growth.output_growth_avg_5, 0) end
            as tfp_share_of_output_growth_5y,
        case when growth.years_10 = 10 then growth.tfp_growth_avg_10 end as tfp_growth_avg_10y,
        case when growth.years_10 = 10 then growth.tfp_growth_avg_10 / nullif(growth.output_growth_avg_10, 0) end
            as tfp_share_of_output_growth_10y
    from growth
    inner join base using (province_code)

)

select * from final
