{#-
    Staging for a table landed by the generic statistical-table connector: typed columns of
    the common long shape, plus the source name the indicator systems use for it.
-#}
{% macro stage_statistical_table(table, source_name) %}
with source as (

    select * from {{ source('china', table) }}

),

typed as (

    select
        '{{ source_name }}' as source,
        cast(region_label as varchar) as region_label,
        cast(region_code as varchar) as region_code,
        cast(year as integer) as year,
        cast(variable as varchar) as variable,
        cast(variable_label as varchar) as variable_label,
        cast(value as double) as value,
        cast(published_unit as varchar) as published_unit,
        cast(source_file as varchar) as source_file,
        cast(source_line as bigint) as source_line
    from source

)

select * from typed
{% endmacro %}
