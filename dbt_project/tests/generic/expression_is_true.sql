{#- Every row satisfies a boolean SQL expression; narrow it with the test's `where` config.
    Same contract as dbt_utils.expression_is_true, kept local because dbt packages need the hub. -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
