-- A growth-accounting input that jumps implausibly in one year (employment by more than 20%;
-- capital, which grew by up to 37% a year in the investment boom, by more than 50%; average
-- schooling by more than 1.5 years) is a statistical break or an error; it passes only when
-- the seed china_known_breaks lists it with its reason.
{{ config(
    description="Employment never changes by more than 20% in a year, capital by 50%, nor average schooling by "
    ~ "1.5 years, unless the seed china_known_breaks lists the break."
) }}
with inputs as (

    select
        province_code,
        year,
        ln(employed_persons / lag(employed_persons) over by_province) as employment_change,
        ln(capital_stock / lag(capital_stock) over by_province) as capital_change,
        average_schooling - lag(average_schooling) over by_province as schooling_change
    from {{ ref('int_china__tfp_inputs') }}
    window by_province as (partition by province_code order by year)

),

jumps as (

    select
        province_code,
        year,
        'employed_persons' as variable,
        employment_change as change
    from inputs
    where abs(employment_change) > ln(1.2)
    union all
    select
        province_code,
        year,
        'capital_stock' as variable,
        capital_change as change
    from inputs
    where abs(capital_change) > ln(1.5)
    union all
    select
        province_code,
        year,
        'average_schooling' as variable,
        schooling_change as change
    from inputs
    where abs(schooling_change) > 1.5

)

select jumps.*
from jumps
left join {{ ref('china_known_breaks') }} as breaks using (province_code, variable, year)
where breaks.reason is null
