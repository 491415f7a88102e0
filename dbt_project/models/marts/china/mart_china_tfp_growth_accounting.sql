-- Provincial Tornqvist growth accounting, as mart_tfp_growth_accounting does for economies.
-- Formulas: docs block china_tfp_growth_accounting (models/docs/methods.md).
{%- set default_share = nqpf_var('china_labour_share_default') %}

with inputs as (

    select
        *,
        lag(year) over by_province as previous_year,
        lag(gdp_index) over by_province as previous_gdp_index,
        lag(capital_stock) over by_province as previous_capital_stock,
        lag(employed_persons) over by_province as previous_employed_persons,
        lag(human_capital) over by_province as previous_human_capital,
        lag(labour_share) over by_province as previous_labour_share,
        lag(labour_share_source) over by_province as previous_labour_share_source
    from {{ ref('int_china__tfp_inputs') }}
    window by_province as (partition by province_code order by year)

),

growth as (

    select
        province_code,
        year,
        ln(gdp_index / 100) as output_growth,
        ln(capital_stock / previous_capital_stock) as capital_growth,
        ln(employed_persons / previous_employed_persons) as employment_growth,
        ln(human_capital / previous_human_capital) as human_capital_growth,
        (labour_share + previous_labour_share) / 2 as labour_share_avg,
        case
            when labour_share_source = 'income approach' and previous_labour_share_source = 'income approach'
                then 'income approach'
            else 'default'
        end as labour_share_source,
        average_schooling,
        schooling_fill,
        human_capital
    from inputs
    where
        year - previous_year = 1
        and gdp_index is not null
        and capital_stock is not null and previous_capital_stock is not null
        and employed_persons is not null and previous_employed_persons is not null
        and human_capital is not null and previous_human_capital is not null

),

final as (

    select
        growth.province_code,
        provinces.name_en as province_name,
        growth.year,
        growth.output_growth,
        growth.capital_growth,
        growth.employment_growth,
        growth.human_capital_growth,
        growth.labour_share_avg,
        growth.labour_share_source,
        (1 - growth.labour_share_avg) * growth.capital_growth as capital_contribution,
        growth.labour_share_avg * (growth.employment_growth + growth.human_capital_growth) as labour_contribution,
        growth.labour_share_avg * growth.employment_growth as employment_contribution,
        growth.labour_share_avg * growth.human_capital_growth as human_capital_contribution,
        {{ tornqvist_tfp_growth('growth.output_growth', 'growth.capital_growth', 'growth.employment_growth',
            'growth.human_capital_growth', 'growth.labour_share_avg') }} as tfp_growth,
        growth.output_growth - growth.employment_growth as labour_productivity_growth,
        -- sensitivity: the same accounting with the default labour share in every year
        {{ tornqvist_tfp_growth('growth.output_growth', 'growth.capital_growth', 'growth.employment_growth',
            'growth.human_capital_growth', default_share) }} as tfp_growth_default_share,
        growth.average_schooling,
        growth.schooling_fill,
        growth.human_capital
    from growth
    inner join {{ ref('china_provinces') }} as provinces using (province_code)

)

select * from final
