-- Backtest of the TFP extension: the extension run as if PWT ended in the dbt var
-- tfp_backtest_cutoff, against PWT's own accounting of the same years, per horizon year.
-- Errors are extended minus PWT, in log points; each part's error says what drives the total.
with extended as (

    select
        economy_code,
        year,
        year - extended_from as horizon,
        labour_basis,
        output_growth,
        {{ tornqvist_tfp_growth('output_growth', 'capital_growth', 'labour_quantity_growth',
            'human_capital_growth', 'labour_share_avg') }} as tfp_growth,
        (1 - labour_share_avg) * capital_growth as capital_contribution,
        labour_share_avg * labour_quantity_growth as labour_quantity_contribution,
        labour_share_avg * human_capital_growth as human_capital_contribution
    from {{ ref('int_tfp__extension_backtest') }}

),

compared as (

    select
        extended.year,
        extended.horizon,
        extended.tfp_growth - pwt.tfp_growth as tfp_error,
        extended.output_growth - pwt.output_growth as output_error,
        extended.capital_contribution - pwt.capital_contribution as capital_error,
        extended.labour_quantity_contribution - pwt.labour_quantity_contribution as labour_error,
        extended.human_capital_contribution - pwt.human_capital_contribution as human_capital_error
    from extended
    inner join {{ ref('mart_tfp_growth_accounting') }} as pwt
        on
            extended.economy_code = pwt.economy_code
            and extended.year = pwt.year
            and pwt.basis = 'pwt'
            and extended.labour_basis = pwt.labour_basis

),

final as (

    select
        cast(year as integer) as year,
        cast(horizon as integer) as horizon,
        cast(count(*) as integer) as economies,
        avg(abs(tfp_error)) as mean_abs_error,
        median(abs(tfp_error)) as median_abs_error,
        avg(tfp_error) as bias,
        avg(abs(output_error)) as mean_abs_error_output,
        avg(abs(capital_error)) as mean_abs_error_capital,
        avg(abs(labour_error)) as mean_abs_error_labour,
        avg(abs(human_capital_error)) as mean_abs_error_human_capital
    from compared
    group by year, horizon

)

select * from final
