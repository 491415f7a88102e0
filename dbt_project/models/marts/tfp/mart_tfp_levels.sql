-- TFP level index, 5- and 10-year average TFP growth and TFP's share of output growth.
-- Rules: docs block tfp_levels (models/docs/methods.md).
{% set base_year = nqpf_var('tfp_base_year') %}

with pwt_years as (

    select
        economy_code,
        economy_name,
        year,
        rtfpna as pwt_tfp_index
    from {{ ref('stg_pwt__economy_years') }}
    where
        has_growth_accounting_inputs
        -- a code PWT's own list does not know stops the build in int_nqpf__02_indicator_values,
        -- or (nqpf_unknown_geo_codes = exclude) is left out here and recorded in mart_source_exclusions
        and economy_code in (select pwt_economies.economy_code from {{ ref('pwt_economies') }} as pwt_economies)

),

economy_names as (

    select distinct
        economy_code,
        economy_name
    from pwt_years

),

economy_years as (

    -- PWT's years and the extended years after them (the chain runs through the change of
    -- capital basis, which the growth mart records, but not through a change of labour basis)
    select * from pwt_years
    union all
    select
        extended.economy_code,
        names.economy_name,
        cast(extended.year as integer) as year,
        cast(null as double) as pwt_tfp_index
    from {{ ref('int_tfp__extension') }} as extended
    inner join economy_names as names using (economy_code)

),

with_growth as (

    select
        economy_years.*,
        growth.labour_basis,
        growth.tfp_growth,
        growth.output_growth,
        growth.basis
    from economy_years
    left join {{ ref('mart_tfp_growth_accounting') }} as growth
        using (economy_code, year)

),

with_previous_year as (

    select
        *,
        lag(tfp_growth) over by_economy as previous_tfp_growth,
        lag(labour_basis) over by_economy as previous_labour_basis,
        lag(year) over by_economy as previous_year
    from with_growth
    window by_economy as (partition by economy_code order by year)

),

segment_starts as (

    -- a year without TFP growth, after a gap or on another labour basis starts a new chain
    select
        *,
        case
            when
                tfp_growth is null
                or previous_tfp_growth is null
                or coalesce(labour_basis, '') != coalesce(previous_labour_basis, '')
                or year - previous_year != 1
                then 1
            else 0
        end as starts_segment
    from with_previous_year

),

segmented as (

    select
        *,
        sum(starts_segment) over running as segment_id,
        sum(coalesce(tfp_growth, 0)) over running as cumulative_tfp_growth
    from segment_starts
    window running as (partition by economy_code order by year rows between unbounded preceding and current row)

),

with_neighbours as (

    select
        *,
        lead(segment_id) over (partition by economy_code order by year) as next_segment_id
    from segmented

),

base_year as (

    select
        economy_code,
        max(case when year = {{ base_year }} then cumulative_tfp_growth end) as base_cumulative_tfp_growth,
        max(case when year = {{ base_year }} then pwt_tfp_index end) as base_pwt_tfp_index,
        -- the segment that reaches back from the base year, and the one that leads forward
        max(case when year = {{ base_year }} and tfp_growth is not null then segment_id end) as backward_segment_id,
        max(case when year = {{ base_year }} + 1 then segment_id end) as forward_segment_id,
        max(case when year = {{ base_year }} then labour_basis end) as backward_labour_basis,
        max(case when year = {{ base_year }} + 1 then labour_basis end) as forward_labour_basis,
        bool_or(year = {{ base_year }}) as has_base_year
    from with_neighbours
    group by economy_code

),

levels as (

    select
        rows.*,
        case
            when not base.has_base_year then null
            when rows.year = {{ base_year }} then coalesce(base.backward_labour_basis, base.forward_labour_basis)
            when
                rows.year > {{ base_year }}
                and rows.tfp_growth is not null
                and rows.segment_id = base.forward_segment_id then base.forward_labour_basis
            when
                rows.year < {{ base_year }}
                and rows.next_segment_id = base.backward_segment_id then base.backward_labour_basis
        end as index_labour_basis,
        base.base_cumulative_tfp_growth,
        base.base_pwt_tfp_index
    from with_neighbours as rows
    inner join base_year as base using (economy_code)

),

windows as (

    select
        *,
        count(tfp_growth) over last_5_years as n_5y,
        min(segment_id) over last_5_years = max(segment_id) over last_5_years as one_segment_5y,
        avg(tfp_growth) over last_5_years as avg_tfp_5y,
        avg(output_growth) over last_5_years as avg_output_5y,
        count(tfp_growth) over last_10_years as n_10y,
        min(segment_id) over last_10_years = max(segment_id) over last_10_years as one_segment_10y,
        avg(tfp_growth) over last_10_years as avg_tfp_10y,
        avg(output_growth) over last_10_years as avg_output_10y
    from levels
    window
        last_5_years as (partition by economy_code order by year range between 4 preceding and current row),
        last_10_years as (partition by economy_code order by year range between 9 preceding and current row)

),

final as (

    select
        economy_code,
        economy_name,
        year,
        cast({{ base_year }} as integer) as base_year,
        index_labour_basis as labour_basis,
        coalesce(basis, 'pwt') as basis,
        tfp_growth,
        cast(case
            when year = {{ base_year }} and index_labour_basis is not null then 1
            when index_labour_basis is not null then exp(cumulative_tfp_growth - base_cumulative_tfp_growth)
        end as double) as tfp_index,
        pwt_tfp_index / base_pwt_tfp_index as pwt_tfp_index,
        case when n_5y = 5 and one_segment_5y then avg_tfp_5y end as tfp_growth_avg_5y,
        case when n_10y = 10 and one_segment_10y then avg_tfp_10y end as tfp_growth_avg_10y,
        case when n_5y = 5 and one_segment_5y then avg_output_5y end as output_growth_avg_5y,
        case when n_10y = 10 and one_segment_10y then avg_output_10y end as output_growth_avg_10y,
        case when n_5y = 5 and one_segment_5y and avg_output_5y != 0 then avg_tfp_5y / avg_output_5y end
            as tfp_share_of_output_growth_5y,
        case when n_10y = 10 and one_segment_10y and avg_output_10y != 0 then avg_tfp_10y / avg_output_10y end
            as tfp_share_of_output_growth_10y
    from windows

)

select * from final
