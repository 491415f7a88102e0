-- Tornqvist growth accounting per economy and year on PWT's own inputs (basis `pwt`), and after
-- PWT's last year on the inputs int_tfp__extension carries forward from WDI and Gapminder
-- (basis `extended`). Formulas: docs blocks tfp_growth_accounting and tfp_extension.
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
        ln(pwt_tfp_index) - ln(previous_pwt_tfp_index) as pwt_tfp_growth,
        'pwt' as basis,
        'services' as capital_basis,
        cast(null as integer) as extended_from
    from paired_with_previous_year

),

economy_names as (

    select distinct
        economy_code,
        economy_name
    from economy_years

),

extended_log_changes as (

    select
        extended.economy_code,
        names.economy_name,
        cast(extended.year as integer) as year,
        extended.labour_basis,
        extended.labour_share_avg,
        extended.output_growth,
        extended.capital_growth,
        extended.labour_quantity_growth,
        extended.human_capital_growth,
        cast(null as double) as pwt_tfp_growth,
        'extended' as basis,
        'stock' as capital_basis,
        cast(extended.extended_from as integer) as extended_from
    from {{ ref('int_tfp__extension') }} as extended
    inner join economy_names as names using (economy_code)

),

all_log_changes as (

    select * from log_changes
    union all by name
    select * from extended_log_changes

),

contributions as (

    select
        *,
        (1 - labour_share_avg) * capital_growth as capital_contribution,
        labour_share_avg * labour_quantity_growth as labour_quantity_contribution,
        labour_share_avg * human_capital_growth as human_capital_contribution,
        (1 - labour_share_avg) * (capital_growth - labour_quantity_growth) as capital_deepening_contribution
    from all_log_changes

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
        pwt_tfp_growth,
        basis,
        capital_basis,
        extended_from
    from contributions

)

select * from final
