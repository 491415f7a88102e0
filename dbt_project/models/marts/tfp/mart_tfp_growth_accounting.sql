-- Tornqvist growth accounting per economy and year on PWT's own inputs.
-- Formula: docs block tfp_growth_accounting (models/docs/methods.md).
with economy_years as (

    select
        economy_code,
        economy_name,
        year,
        rgdpna as real_gdp,
        rkna as capital_services,
        emp as persons_engaged_millions,
        emp * avh as hours_worked_millions,
        hc as human_capital_index,
        labsh as labour_share,
        rtfpna as pwt_tfp_index
    from {{ ref('stg_pwt__economy_years') }}
    where
        has_growth_accounting_inputs
        -- a code PWT's own list does not know stops the build in int_nqpf__02_indicator_values,
        -- or (nqpf_unknown_geo_codes = exclude) is left out here and recorded in mart_source_exclusions
        and economy_code in (select pwt_economies.economy_code from {{ ref('pwt_economies') }} as pwt_economies)

),

paired_with_previous_year as (

    select
        current_year.*,
        previous_year.real_gdp as previous_real_gdp,
        previous_year.capital_services as previous_capital_services,
        previous_year.persons_engaged_millions as previous_persons_engaged_millions,
        previous_year.hours_worked_millions as previous_hours_worked_millions,
        previous_year.human_capital_index as previous_human_capital_index,
        previous_year.labour_share as previous_labour_share,
        previous_year.pwt_tfp_index as previous_pwt_tfp_index
    from economy_years as current_year
    inner join economy_years as previous_year
        on
            current_year.economy_code = previous_year.economy_code
            and previous_year.year = current_year.year - 1

),

log_changes as (

    select
        economy_code,
        economy_name,
        year,
        case
            when hours_worked_millions is not null and previous_hours_worked_millions is not null then 'hours'
            else 'persons'
        end as labour_basis,
        (labour_share + previous_labour_share) / 2 as labour_share_avg,
        ln(real_gdp) - ln(previous_real_gdp) as output_growth,
        ln(capital_services) - ln(previous_capital_services) as capital_growth,
        case
            when hours_worked_millions is not null and previous_hours_worked_millions is not null
                then ln(hours_worked_millions) - ln(previous_hours_worked_millions)
            else ln(persons_engaged_millions) - ln(previous_persons_engaged_millions)
        end as labour_quantity_growth,
        ln(human_capital_index) - ln(previous_human_capital_index) as human_capital_growth,
        ln(pwt_tfp_index) - ln(previous_pwt_tfp_index) as pwt_tfp_growth
    from paired_with_previous_year

),

contributions as (

    select
        *,
        (1 - labour_share_avg) * capital_growth as capital_contribution,
        labour_share_avg * labour_quantity_growth as labour_quantity_contribution,
        labour_share_avg * human_capital_growth as human_capital_contribution,
        (1 - labour_share_avg) * (capital_growth - labour_quantity_growth) as capital_deepening_contribution
    from log_changes

),

final as (

    select
        economy_code,
        economy_name,
        year,
        labour_basis,
        labour_share_avg,
        output_growth,
        capital_growth,
        labour_quantity_growth,
        human_capital_growth,
        capital_contribution,
        labour_quantity_contribution + human_capital_contribution as labour_contribution,
        labour_quantity_contribution,
        human_capital_contribution,
        output_growth - capital_contribution - labour_quantity_contribution - human_capital_contribution as tfp_growth,
        output_growth - labour_quantity_growth as labour_productivity_growth,
        capital_deepening_contribution,
        pwt_tfp_growth
    from contributions

)

select * from final
