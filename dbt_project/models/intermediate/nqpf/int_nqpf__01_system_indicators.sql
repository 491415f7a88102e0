-- The indicator systems as the methods use them: each indicator with its system's settings
-- and its transform's denominator. Stops the build, listing them, when a system names a
-- series no source provides, a transform its geography does not define, or a system that
-- does not exist.
{%- set observations = ref('int_observations') -%}
{%- set systems = ref('stg_nqpf__systems') -%}
{%- set indicators = ref('stg_nqpf__indicators') -%}
{%- set transforms = ref('stg_nqpf__transforms') -%}

{#- the distinct series first: DuckDB would otherwise build its hash table on every observation
    (3 s against 0.3 s at 30M observations) -#}
{{ raise_if_rows(
    "select system_id, indicator_id || case when role = 'indicator' then '' else ' (' || role || ')' end,
            source || ':' || indicator_code
     from " ~ ref('int_nqpf__00_required_series') ~ " as required
     where not exists (select 1 from (select distinct source, indicator_code from " ~ observations ~ ") as o
                       where o.source = required.source and o.indicator_code = required.indicator_code)
     order by 1, 2",
    "indicator systems name series that no source provides (system | indicator | source:code)"
) }}
{{ raise_if_rows(
    "select i.system_id, i.indicator_id, i.transform, coalesce(s.geography, '(no such system)') from " ~ indicators ~ " i
     left join " ~ systems ~ " s using (system_id)
     left join " ~ transforms ~ " t on t.geography = s.geography and t.transform = i.transform
     where t.transform is null order by 1, 2",
    "indicator systems use transforms their geography does not define, or systems that do not exist (system | indicator | transform | geography)"
) }}

with indicators as (

    select * from {{ indicators }}

),

systems as (

    select * from {{ systems }}

),

transforms as (

    select * from {{ transforms }}

),

joined as (

    select
        indicators.system_id,
        systems.geography,
        indicators.indicator_id,
        -- numbers every system indicator for the integer cell key (macro nqpf_cell_id)
        cast(row_number() over (order by indicators.system_id, indicators.indicator_id) as integer) as indicator_no,
        indicators.source,
        indicators.indicator_code,
        indicators.element,
        indicators.sub_dimension,
        indicators.direction,
        indicators.transform,
        transforms.operation,
        transforms.denominator_source,
        transforms.denominator_code,
        transforms.multiplier,
        indicators.unit,
        indicators.valid_min,
        indicators.valid_max,
        indicators.description,
        indicators.citation,
        systems.window_start,
        try_cast(systems.window_end as integer) as fixed_window_end,
        systems.min_share_per_element,
        systems.max_gap_years,
        systems.max_extrapolation_years,
        systems.normalisation_shift,
        systems.auto_end_min_share,
        systems.min_geos_per_year
    from indicators
    inner join systems using (system_id)
    inner join transforms
        on
            systems.geography = transforms.geography
            and indicators.transform = transforms.transform

)

select * from joined
