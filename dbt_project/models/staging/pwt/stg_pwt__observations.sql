-- Every numeric Penn World Table variable, long, so an indicator system can name any of them.
{%- set numeric_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(source('pwt', 'pwt')) -%}
        {%- if column.is_number() and column.name != 'year' -%}
            {%- do numeric_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with source as (

    select * from {{ source('pwt', 'pwt') }}

),

long as (

    {% if numeric_columns %}
    unpivot (select economy_code, year, {{ numeric_columns | join(', ') }} from source)
    on {{ numeric_columns | join(', ') }}
    into name indicator_code value value
    {% else %}
    select null::varchar as economy_code, null::integer as year, null::varchar as indicator_code, null::double as value
    where false
    {% endif %}

)

select
    cast(indicator_code as varchar) as indicator_code,
    cast(economy_code as varchar)   as economy_code,
    cast(year as integer)           as year,
    cast(value as double)           as value
from long
where value is not null
