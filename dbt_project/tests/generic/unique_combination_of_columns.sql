{#- The columns together identify one row (a compound primary key). Same contract as
    dbt_utils.unique_combination_of_columns, kept local because dbt packages need the hub.
    by_sorting: find repeats as equal neighbours in the table sorted by the columns, instead of
    counting the rows of every combination. For tens of millions of rows keyed by numbers in
    about their order (int_nqpf__07_panel, by its cell key): at 30M rows 0.7-0.9 s for the key
    where counting took 3.1-5.0 s; for text keys in no order, counting is the faster. Nulls
    compare as equal either way, as in group by. -#}
-- Both branches stay at the margin inside the switch. -- noqa: disable=LT02
{% test unique_combination_of_columns(model, combination_of_columns, by_sorting=false) %}
{%- if by_sorting %}
with neighbours as (

    select
        {{ combination_of_columns | join(', ') }},
        {%- for column in combination_of_columns %}
        lead({{ column }}) over by_key as next_{{ column }},
        {%- endfor %}
        lead(true) over by_key as has_next
    from {{ model }}
    window by_key as (order by {{ combination_of_columns | join(', ') }})

)

select {{ combination_of_columns | join(', ') }}
from neighbours
where has_next
    {%- for column in combination_of_columns %}
    and {{ column }} is not distinct from next_{{ column }}
    {%- endfor %}
{%- else %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{%- endif %}
{% endtest %}
