-- The inputs of provincial growth accounting, per province and year: real output from the
-- chained GDP index, the perpetual-inventory capital stock, total employment, average years of
-- schooling and the human capital they give, and the labour share. Formulas: docs block
-- china_tfp_growth_accounting (models/docs/methods.md). One GDP vintage only (china_nbs).
{%- set default_share = nqpf_var('china_labour_share_default') %}

with observations as (

    select
        province_code,
        source,
        variable,
        year,
        value
    from {{ ref('int_china__observations') }}
    where kind = 'province'

),

years as (

    select distinct
        province_code,
        year
    from observations
    where source = 'china_nbs' and variable = 'nbs_gdp_index'

),

pivoted as (

    select
        years.province_code,
        years.year,
        max(o.value) filter (where o.source = 'china_nbs' and o.variable = 'nbs_gdp') as nominal_gdp,
        max(o.value) filter (where o.source = 'china_nbs' and o.variable = 'nbs_gdp_index') as gdp_index,
        max(o.value) filter (where o.source = 'china_employment' and o.variable = 'employed_persons') as employed_persons,
        max(o.value) filter (where o.source = 'china_nbs' and o.variable = 'nbs_labour_compensation') as labour_compensation,
        max(o.value) filter (where o.source = 'china_nbs' and o.variable = 'nbs_gdp_income_approach') as income_approach_gdp
    from years
    left join observations as o
        on years.province_code = o.province_code and years.year = o.year
    group by years.province_code, years.year

),

schooling_observed as (

    -- average years of schooling of the population aged 6 and over (sample survey)
    select
        o.province_code,
        o.year,
        sum(o.value * levels.years) / max(population.value) as average_schooling
    from observations as o
    inner join {{ ref('china_schooling_years') }} as levels on o.variable = levels.variable
    inner join observations as population
        on
            o.province_code = population.province_code
            and o.year = population.year
            and population.variable = 'nbs_schooling_population'
    where o.source = 'china_nbs'
    group by o.province_code, o.year

),

schooling_timeline as (

    select
        years.province_code,
        years.year,
        observed.average_schooling,
        max(case when observed.average_schooling is not null then years.year end) over before_or_now as previous_year,
        last_value(observed.average_schooling ignore nulls) over before_or_now as previous_value,
        min(case when observed.average_schooling is not null then years.year end) over now_or_after as next_year,
        first_value(observed.average_schooling ignore nulls) over now_or_after as next_value
    from years
    left join schooling_observed as observed using (province_code, year)
    window
        before_or_now as (partition by years.province_code order by years.year rows between unbounded preceding and current row),
        now_or_after as (partition by years.province_code order by years.year rows between current row and unbounded following)

),

schooling as (

    -- a census year without the survey (2010) is interpolated; the first years carry the first survey back
    select
        province_code,
        year,
        case
            when average_schooling is not null then 'observed'
            when previous_year is not null and next_year is not null then 'interpolated'
            when next_year is not null and next_year - year <= 2 then 'carried back'
        end as schooling_fill,
        case
            when average_schooling is not null then average_schooling
            when previous_year is not null and next_year is not null
                then previous_value + (next_value - previous_value) * (year - previous_year) / (next_year - previous_year)
            when next_year is not null and next_year - year <= 2 then next_value
        end as average_schooling
    from schooling_timeline

),

capital as (

    select
        province_code,
        year,
        capital_stock
    from {{ ref('int_china__capital_stock') }}

),

final as (

    select
        pivoted.province_code,
        pivoted.year,
        pivoted.nominal_gdp,
        pivoted.gdp_index,
        capital.capital_stock,
        pivoted.employed_persons,
        schooling.average_schooling,
        schooling.schooling_fill,
        -- PWT's human capital index (Psacharopoulos returns: 13.4% a year up to 4 years, 10.1% to 8, 6.8% beyond)
        exp(case
            when schooling.average_schooling <= 4 then 0.134 * schooling.average_schooling
            when schooling.average_schooling <= 8 then 0.134 * 4 + 0.101 * (schooling.average_schooling - 4)
            else 0.134 * 4 + 0.101 * 4 + 0.068 * (schooling.average_schooling - 8)
        end) as human_capital,
        coalesce(pivoted.labour_compensation / pivoted.income_approach_gdp, {{ default_share }}) as labour_share,
        case
            when pivoted.labour_compensation / pivoted.income_approach_gdp is not null then 'income approach'
            else 'default'
        end as labour_share_source
    from pivoted
    left join capital using (province_code, year)
    left join schooling using (province_code, year)

)

select * from final
