-- Indicator values on the complete grid of units x window years, gaps filled as the docs block
-- nqpf_panel says (models/docs/methods.md); fill_method says how each value was obtained.
-- The grid runs from window_start to window_end (or, when that is `auto`, to the system's
-- last observed year); observations outside it still anchor fills.
{{ raise_if_rows(
    "select v.system_id, v.indicator_id, v.geo_code, v.year, v.indicator_value,
            '[' || i.valid_min || ', ' || i.valid_max || ']', coalesce(o.source_file || ' line ' || o.source_line, i.source)
     from " ~ ref('int_nqpf__02_indicator_values') ~ " as v
     inner join " ~ ref('int_nqpf__01_system_indicators') ~ " as i using (system_id, indicator_id)
     left join " ~ ref('int_observations') ~ " as o
         on o.source = i.source and o.indicator_code = i.indicator_code and o.geo_code = v.geo_code and o.year = v.year
     where v.indicator_value < i.valid_min or v.indicator_value > i.valid_max
     order by 1, 2, 3, 4",
    "indicator values outside their valid range (system | indicator | unit code | year | value | valid range | published at); "
    ~ "the range is the seed's valid_min and valid_max in dbt_project/seeds/nqpf_indicators.csv"
) }}

with indicators as (

    select * from {{ ref('int_nqpf__01_system_indicators') }}

),

values as (

    select * from {{ ref('int_nqpf__02_indicator_values') }}

),

units as (

    select
        geo_code,
        geography,
        unit_no
    from {{ ref('int_geographies') }}

),

grid_end as (

    select
        indicators.system_id,
        coalesce(max(indicators.fixed_window_end), max(values.year)) as last_year
    from indicators
    left join values using (system_id, indicator_id)
    where values.indicator_value is not null
    group by indicators.system_id

),

grid as (

    -- integers only: the join and the window below sort every column they carry, and the text
    -- keys come back from indicators and units once the window is done
    select
        indicators.indicator_no,
        units.unit_no,
        cast(unnest(range(indicators.window_start, grid_end.last_year + 1)) as integer) as year
    from indicators
    inner join grid_end using (system_id)
    inner join units on indicators.geography = units.geography

),

grid_cells as (

    select
        *,
        {{ nqpf_cell_id('indicator_no', 'unit_no', 'year') }} as cell_id
    from grid

),

timeline as (

    -- grid years plus every other year with a published value, so that observations outside
    -- the grid can anchor an interpolation or extrapolation into it
    select
        coalesce(grid.cell_id, values.cell_id) as cell_id,
        coalesce(grid.year, values.year) as year,
        grid.cell_id is not null as on_grid,
        grid.indicator_no,
        grid.unit_no,
        values.raw_value,
        values.denominator_value,
        values.indicator_value,
        values.drop_reason
    from grid_cells as grid
    full outer join values on grid.cell_id = values.cell_id

),

neighbours as (

    select
        *,
        max(case when indicator_value is not null then year end) over before_or_now as previous_year,
        last_value(indicator_value ignore nulls) over before_or_now as previous_value,
        min(case when indicator_value is not null then year end) over now_or_after as next_year,
        first_value(indicator_value ignore nulls) over now_or_after as next_value
    from timeline
    -- cell_id - year is the same for every year of a series (macro nqpf_cell_id): one integer
    -- to partition by instead of system, indicator and unit
    window
        before_or_now as (
            partition by cell_id - year order by year rows between unbounded preceding and current row
        ),
        now_or_after as (
            partition by cell_id - year order by year rows between current row and unbounded following
        )

),

filled as (

    select
        indicators.system_id,
        indicators.indicator_id,
        units.geo_code,
        neighbours.year,
        neighbours.cell_id,
        neighbours.raw_value,
        neighbours.denominator_value,
        neighbours.indicator_value,
        neighbours.drop_reason,
        case
            when neighbours.indicator_value is not null then 'observed'
            when neighbours.raw_value is not null then null  -- published but unusable: not filled over
            when
                neighbours.previous_year is not null and neighbours.next_year is not null
                and neighbours.next_year - neighbours.previous_year - 1 <= indicators.max_gap_years then 'interpolated'
            when
                neighbours.previous_year is not null and neighbours.next_year is null
                and neighbours.year - neighbours.previous_year <= indicators.max_extrapolation_years then 'extrapolated'
            when
                neighbours.next_year is not null and neighbours.previous_year is null
                and neighbours.next_year - neighbours.year <= indicators.max_extrapolation_years then 'extrapolated'
        end as fill_method,
        neighbours.previous_year,
        neighbours.previous_value,
        neighbours.next_year,
        neighbours.next_value
    from neighbours
    inner join indicators on neighbours.indicator_no = indicators.indicator_no
    inner join units on neighbours.unit_no = units.unit_no
    where neighbours.on_grid

),

final as (

    select
        system_id,
        indicator_id,
        geo_code,
        year,
        cell_id,
        raw_value,
        denominator_value,
        indicator_value,
        drop_reason,
        fill_method,
        case fill_method
            when 'observed' then indicator_value
            when 'interpolated'
                then
                    previous_value
                    + (next_value - previous_value) * (year - previous_year) / (next_year - previous_year)
            when 'extrapolated' then coalesce(previous_value, next_value)
        end as filled_value
    from filled

)

select * from final
