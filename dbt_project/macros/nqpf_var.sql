{#-
    A dbt var, checked before it reaches any SQL: the pipeline's vars are typed and bounded
    here, once, so that a typo ('Fail') or an expression ('0.096 * 0 + 0.5') given with --vars
    stops the build with a message instead of running as something else.
-#}
{% macro nqpf_var(name) %}
    {%- set specs = {
        'tfp_base_year': {'kind': 'integer', 'min': 1950, 'max': 2100},
        'nqpf_unknown_geo_codes': {'kind': 'choice', 'choices': ['fail', 'exclude']},
        'nqpf_indicator_without_data': {'kind': 'choice', 'choices': ['fail', 'exclude']},
        'china_capital_base_year': {'kind': 'integer', 'min': 1952, 'max': 2100},
        'china_capital_depreciation': {'kind': 'number', 'min': 0, 'max': 1},
        'china_capital_initial_ratio': {'kind': 'number', 'min': 0.000001, 'max': 10},
    } -%}
    {%- if name not in specs and execute -%}
        {{ exceptions.raise_compiler_error("nqpf_var: no rule for the dbt var " ~ name ~ "; add one to macros/nqpf_var.sql") }}
    {%- endif -%}
    {%- set spec = specs.get(name, {'kind': 'choice', 'choices': []}) -%}
    {%- set value = var(name) -%}
    {%- if spec.kind == 'choice' -%}
        {%- set ok = value is string and value in spec.choices -%}
        {%- set wanted = "one of " ~ (spec.choices | join(", ")) -%}
    {%- else -%}
        {%- set is_number = value is number and value is not boolean -%}
        {%- set ok = is_number and (spec.kind != 'integer' or value is integer) and spec.min <= value <= spec.max -%}
        {%- set noun = "an integer" if spec.kind == 'integer' else "a number" -%}
        {%- set wanted = noun ~ " from " ~ spec.min ~ " to " ~ spec.max -%}
    {%- endif -%}
    {%- if not ok and execute -%}
        {{ exceptions.raise_compiler_error(
            "the dbt var " ~ name ~ " is " ~ (value | tojson) ~ ", which is not " ~ wanted
            ~ " (set it in dbt_project.yml or with --vars)") }}
    {%- endif -%}
    {{- return(value) -}}
{% endmacro %}

{#- Every var checked at the start of each dbt run (on-run-start), whichever models run. -#}
{% macro nqpf_check_vars() %}
    {%- for name in ['tfp_base_year', 'nqpf_unknown_geo_codes', 'nqpf_indicator_without_data',
                     'china_capital_base_year', 'china_capital_depreciation', 'china_capital_initial_ratio'] -%}
        {%- do nqpf_var(name) -%}
    {%- endfor -%}
    select 1
{% endmacro %}
