{#- Use the folder's schema name as is (staging, marts) instead of dbt's "<target>_<custom>",
    so analysts and checks find tables at stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
