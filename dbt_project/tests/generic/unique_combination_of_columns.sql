{#- The columns together identify one row (a compound primary key). Same contract as
    dbt_utils.unique_combination_of_columns, kept local because dbt packages need the hub. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
