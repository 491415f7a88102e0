-- Which choice the ranks of a system depend on: each factor's first-order and total sensitivity
-- index, averaged over the unit-years weighted by their rank variance (so that the share is of
-- the system's total rank variance). Docs block nqpf_uncertainty.
with unit_years as (

    select * from {{ ref('int_nqpf__09_unit_years') }}

),

long as (

    {% for factor in ['treatment', 'imputation', 'weighting', 'weights', 'normalisation', 'aggregation'] %}
        select
            system_id,
            '{{ factor }}' as factor,
            rank_variance,
            first_order_{{ factor }} as first_order,
            total_{{ factor }} as total
        from unit_years
        where rank_variance > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    system_id,
    factor,
    cast(count(*) as integer) as unit_years_varying,
    sum(rank_variance * first_order) / sum(rank_variance) as first_order_index,
    sum(rank_variance * total) / sum(rank_variance) as total_index
from long
group by system_id, factor
