{#- Every year of each system's index holds at least the system's min_geos_per_year units. -#}
{% test enough_units_per_year(model) %}
select index.system_id, index.year, count(*) as units, max(systems.min_geos_per_year) as required
from {{ model }} as index
inner join {{ ref('nqpf_systems') }} as systems using (system_id)
group by index.system_id, index.year
having count(*) < max(systems.min_geos_per_year)
{% endtest %}
