{#-
    A dbt var, checked before it reaches any SQL: the pipeline's vars are typed and bounded
    here, once, so that a typo ('Fail') or an expression ('0.096 * 0 + 0.5') given with --vars
    stops the build with a message instead of running as something else.
-#}
{% macro nqpf_var_rules() %}
    {{- return({
        'tfp_base_year': {'kind': 'integer', 'min': 1950, 'max': 2100},
        'nqpf_unknown_geo_codes': {'kind': 'choice', 'choices': ['fail', 'exclude']},
        'nqpf_indicator_without_data': {'kind': 'choice', 'choices': ['fail', 'exclude']},
        'china_capital_base_year': {'kind': 'integer', 'min': 1952, 'max': 2100},
        'china_capital_depreciation': {'kind': 'number', 'min': 0, 'max': 1},
        'china_capital_initial_ratio': {'kind': 'number', 'min': 0.000001, 'max': 10},
        'china_labour_share_default': {'kind': 'number', 'min': 0.05, 'max': 0.95},
        'china_tfp_base_year': {'kind': 'integer', 'min': 2000, 'max': 2100},
        'frontier_first_year': {'kind': 'integer', 'min': 1950, 'max': 2100},
        'tfp_backtest_cutoff': {'kind': 'integer', 'min': 1960, 'max': 2100},
        'tfp_backtest_last_year': {'kind': 'integer', 'min': 1960, 'max': 2100},
    }) -}}
{% endmacro %}

{#- What is wrong with the var's value, in words; empty when it follows its rule. -#}
{% macro nqpf_var_problem(name) %}
    {%- set rules = nqpf_var_rules() -%}
    {%- if name not in rules -%}
        {{- return("nqpf_var: no rule for the dbt var " ~ name ~ "; add one to macros/nqpf_var.sql") -}}
    {%- endif -%}
    {%- set rule = rules[name] -%}
    {%- set value = var(name) -%}
    {%- if rule.kind == 'choice' -%}
        {%- set ok = value is string and value in rule.choices -%}
        {%- set wanted = "one of " ~ (rule.choices | join(", ")) -%}
    {%- else -%}
        {%- set is_number = value is number and value is not boolean -%}
        {%- set ok = is_number and (rule.kind != 'integer' or value is integer) and rule.min <= value <= rule.max -%}
        {%- set noun = "an integer" if rule.kind == 'integer' else "a number" -%}
        {%- set wanted = noun ~ " from " ~ rule.min ~ " to " ~ rule.max -%}
    {%- endif -%}
    {%- if ok -%}
        {{- return("") -}}
    {%- endif -%}
    {#- shown as given: tojson would write a quote as \u0027 -#}
    {%- set shown = ('"' ~ value ~ '"') if value is string else (value | string) -%}
    {%- set where = " (set it in dbt_project.yml or with --vars)" -%}
    {{- return("the dbt var " ~ name ~ " is " ~ shown ~ ", which is not " ~ wanted ~ where) -}}
{% endmacro %}

{#- The var's value, once it is known to follow its rule. -#}
{% macro nqpf_var(name) %}
    {%- set problem = nqpf_var_problem(name) if execute else "" -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
    {{- return(var(name)) -}}
{% endmacro %}

{#- Every var checked at the start of each dbt run (on-run-start), whichever models run; all problems at once. -#}
{% macro nqpf_check_vars() %}
    {%- set problems = [] -%}
    {%- for name in nqpf_var_rules() -%}
        {%- set problem = nqpf_var_problem(name) -%}
        {%- if problem -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems and execute -%}
        {{ exceptions.raise_compiler_error(problems | join("\n")) }}
    {%- endif -%}
    select 1
{% endmacro %}
