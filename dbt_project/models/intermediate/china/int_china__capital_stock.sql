-- Provincial capital stock by Zhang Jun's perpetual inventory method.
-- Formula and vars: docs block china_capital_stock (models/docs/methods.md).
{%- set base_year = nqpf_var('china_capital_base_year') -%}
{%- set delta = nqpf_var('china_capital_depreciation') -%}
{%- set initial_ratio = nqpf_var('china_capital_initial_ratio') %}

with inputs as (

    select
        province_code,
        year,
        max(value) filter (where variable = 'invest') as investment,
        max(value) filter (where variable = 'InvestPrice') as price_index
    from {{ ref('int_china__observations') }}
    where source = 'china_capital' and kind = 'province'
    group by province_code, year

),

base_prices as (

    select
        provinces.province_code,
        coalesce(own.price_index, parent.price_index) as base_price
    from {{ ref('china_provinces') }} as provinces
    left join inputs as own
        on provinces.province_code = own.province_code and own.year = {{ base_year }}
    left join inputs as parent
        on provinces.split_from = parent.province_code and parent.year = {{ base_year }}

),

real_investment as (

    select
        inputs.province_code,
        inputs.year,
        inputs.investment,
        inputs.price_index / base_prices.base_price as price_index_rebased,
        inputs.investment / (inputs.price_index / base_prices.base_price) as real_investment,
        min(inputs.year) over (partition by inputs.province_code) as start_year
    from inputs
    inner join base_prices using (province_code)
    where
        inputs.year >= {{ base_year }}
        and inputs.investment is not null
        and inputs.price_index > 0

),

stock as (

    with recursive chain as (
        select
            province_code,
            year,
            real_investment / {{ initial_ratio }} as capital_stock
        from real_investment
        where year = start_year
        union all
        select
            next_year.province_code,
            next_year.year,
            (1 - {{ delta }}) * chain.capital_stock + next_year.real_investment
        from chain
        inner join real_investment as next_year
            on chain.province_code = next_year.province_code and next_year.year = chain.year + 1
    )

    select * from chain

)

select
    real_investment.province_code,
    real_investment.year,
    real_investment.investment,
    real_investment.price_index_rebased,
    real_investment.real_investment,
    stock.capital_stock,
    real_investment.start_year,
    cast({{ base_year }} as integer) as base_year,
    cast({{ delta }} as double) as depreciation_rate
from real_investment
inner join stock using (province_code, year)
