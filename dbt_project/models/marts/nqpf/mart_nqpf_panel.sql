-- The indicator panel: every unit of a system's geography x every year of its window x every
-- indicator in use, with the published value, the transformed value, how a missing value was
-- filled, and where the unit-year is in the index what treatment and imputation did and the
-- normalised value.
-- A view over int_nqpf__07_panel, which builds the rows in one pass over the filled grid (a
-- Python model: at tens of millions of cells a join here wrote every column twice). The view
-- keeps the published columns under the mart's contract, which dbt enforces on SQL models only.
{{ config(materialized='view') }}

with panel as (

    select * from {{ ref('int_nqpf__07_panel') }}

),

final as (

    select
        system_id,
        geo_code,
        year,
        indicator_id,
        element,
        transform,
        raw_value,
        denominator_value,
        indicator_value,
        filled_value,
        fill_method,
        is_filled,
        drop_reason,
        treatment,
        treated_value,
        is_imputed,
        prepared_value,
        normalised_value,
        in_index
    from panel

)

select * from final
