{#- Within every group, `column` adds up to 1 (to `tolerance`); rows where it is null are ignored. -#}
{% test sums_to_one(model, column_name, group_by, tolerance=1e-12) %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as total
from {{ model }}
where {{ column_name }} is not null
group by {{ group_by | join(', ') }}
having abs(sum({{ column_name }}) - 1) > {{ tolerance }}
{% endtest %}
