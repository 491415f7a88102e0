{#- Every year of each system's index holds at least the system's min_geos_per_year units. The
    setting is read from int_nqpf__01_system_indicators, which every build makes, so the test
    also runs when the seeds were unchanged and not reloaded. -#}
{% test enough_units_per_year(model) %}
with systems as (
    select distinct system_id, min_geos_per_year
    from {{ ref('int_nqpf__01_system_indicators') }}
)

select
    index.system_id,
    index.year,
    count(*) as units,
    max(systems.min_geos_per_year) as required
from {{ model }} as index
inner join systems using (system_id)
group by index.system_id, index.year
having count(*) < max(systems.min_geos_per_year)
{% endtest %}
