{#- On the `synthetic` target the NQPF models read a generated indicator system (source
    `synthetic`) instead of the published tables and the seeds; see models/staging/synthetic. -#}
{% macro nqpf_synthetic() %}
    {{ return(target.name == 'synthetic') }}
{% endmacro %}

{#- The indicator-system seed `name`, or on the synthetic target the generated table of that name. -#}
{% macro nqpf_seed(name) %}
    {%- if nqpf_synthetic() -%}
        {{ return(source('synthetic', name)) }}
    {%- else -%}
        {{ return(ref(name)) }}
    {%- endif -%}
{% endmacro %}
