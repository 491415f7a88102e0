-- Every numeric Penn World Table variable, long, so an indicator system can name any of them.
{%- set numeric_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(source('pwt', 'pwt')) -%}
        {%- if column.is_number() and column.name not in ('year', 'source_line') -%}
            {%- do numeric_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

-- the unpivot below reads this CTE, which the SQL linter cannot see
with source as (  -- noqa: ST03

    select * from {{ source('pwt', 'pwt') }}

),

long as (

    {% if numeric_columns %}
        unpivot (select economy_code, year, source_file, source_line, {{ numeric_columns | join(', ') }} from source)
    on {{ numeric_columns | join(', ') }}
    into name indicator_code value value
    {% else %}
        select
            null::varchar as economy_code,
            null::integer as year,
            null::varchar as indicator_code,
            null::double as value,
            null::varchar as source_file,
            null::bigint as source_line
        from source
        where false
    {% endif %}

)

select
    indicator_code::varchar as indicator_code,
    economy_code::varchar as economy_code,
    year::integer as year,
    value::double as value,
    source_file::varchar as source_file,
    source_line::bigint as source_line
from long
where value is not null
