-- The inputs and outputs of the frontier (DEA) productivity indices, one row per panel, unit
-- and year: economies from the Penn World Table (and its extension after PWT's last year),
-- China's provinces from the provincial growth accounting inputs.
-- Definitions: docs block tfp_frontier (models/docs/methods.md).
{%- set first_year = nqpf_var('frontier_first_year') %}

with pwt_economies as (

    select
        economy_code as unit_code,
        economy_name as unit_name,
        year,
        rgdpna as output,
        rnna as capital,
        emp * hc as labour
    from {{ ref('stg_pwt__economy_years') }}
    where
        year >= {{ first_year }}
        and rgdpna > 0 and rnna > 0 and emp > 0 and hc > 0
        and economy_code in (select pwt_list.economy_code from {{ ref('pwt_economies') }} as pwt_list)

),

economy_names as (

    select distinct
        unit_code,
        unit_name
    from pwt_economies

),

economies as (

    -- PWT's years, then the years int_tfp__extension carries its inputs forward (same units:
    -- rgdpna, the rnna-based stock, persons engaged x the trend of hc)
    select * from pwt_economies
    union all
    select
        extended.economy_code as unit_code,
        names.unit_name,
        cast(extended.year as integer) as year,
        extended.real_gdp as output,
        extended.capital_stock as capital,
        extended.persons_engaged * extended.human_capital_index as labour
    from {{ ref('int_tfp__extension') }} as extended
    inner join economy_names as names on extended.economy_code = names.unit_code

),

economy_co2 as (

    -- kg of CO2 per 2021 PPP dollar of GDP x real GDP in million 2017 PPP dollars = kt (one
    -- price-level factor for every economy, which a constant-returns frontier does not see)
    select
        geo_code as unit_code,
        year,
        value as co2_intensity
    from {{ ref('int_observations') }}
    where
        source = 'gapminder'
        and indicator_code = 'co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp'
        and geo_status = 'in_scope'

),

provinces as (

    -- real GDP in 2000 prices: the 2000 GDP carried forward by the chained index (previous year = 100)
    select
        inputs.province_code as unit_code,
        names.name_en as unit_name,
        inputs.year,
        first_value(inputs.nominal_gdp) over by_province
        * exp(
            sum(ln(inputs.gdp_index / 100)) over (by_province rows between unbounded preceding and current row)
            - first_value(ln(inputs.gdp_index / 100)) over by_province
        ) as output,
        inputs.capital_stock as capital,
        inputs.employed_persons * inputs.human_capital as labour
    from {{ ref('int_china__tfp_inputs') }} as inputs
    inner join {{ ref('china_provinces') }} as names using (province_code)
    where inputs.year >= greatest({{ first_year }}, 2000)
    window by_province as (partition by inputs.province_code order by inputs.year)

),

province_co2 as (

    select
        province_code as unit_code,
        year,
        value as co2_t
    from {{ ref('int_china__observations') }}
    where source = 'china_co2' and variable = 'co2_emissions' and kind = 'province'

),

final as (

    select
        'economies' as panel,
        economies.unit_code,
        economies.unit_name,
        economies.year,
        economies.output,
        economies.capital,
        economies.labour,
        economy_co2.co2_intensity * economies.output as co2
    from economies
    left join economy_co2 using (unit_code, year)
    union all
    select
        'provinces' as panel,
        provinces.unit_code,
        provinces.unit_name,
        provinces.year,
        provinces.output,
        provinces.capital,
        provinces.labour,
        province_co2.co2_t as co2
    from provinces
    left join province_co2 using (unit_code, year)
    where provinces.output > 0 and provinces.capital > 0 and provinces.labour > 0

)

select * from final
