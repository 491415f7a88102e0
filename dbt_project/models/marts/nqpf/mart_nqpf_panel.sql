-- The indicator panel: every unit of a system's geography x every year of its window x every
-- indicator in use, with the published value, the transformed value, how a missing value was
-- filled, and where the unit-year is in the index what treatment and imputation did and the
-- normalised value.
-- A view over int_nqpf__07_panel, which builds the rows in one pass over the filled grid (a
-- Python model: at tens of millions of cells a join here wrote every column twice). The view
-- keeps the published columns under the mart's contract, which dbt enforces on SQL models only,
-- and labels each row by the parts of its cell key: as text in every row the labels cost as much
-- to write as the rest of the table, and a join to the indicators and units costs nothing to
-- speak of when it is read. Left joins: a number without a label would fail the not-null test,
-- not vanish.
{{ config(materialized='view') }}

with panel as (

    select
        *,
        {{ nqpf_cell_parts('cell_id') }}
    from {{ ref('int_nqpf__07_panel') }}

),

indicators as (

    select
        indicator_no,
        system_id,
        indicator_id,
        element,
        transform
    from {{ ref('int_nqpf__01_system_indicators') }}

),

units as (

    select
        unit_no,
        geo_code
    from {{ ref('int_geographies') }}

),

final as (

    select
        indicators.system_id,
        units.geo_code,
        panel.year,
        indicators.indicator_id,
        indicators.element,
        indicators.transform,
        panel.raw_value,
        panel.denominator_value,
        panel.indicator_value,
        panel.filled_value,
        panel.fill_method,
        panel.is_filled,
        panel.drop_reason,
        panel.treatment,
        panel.treated_value,
        panel.is_imputed,
        panel.prepared_value,
        panel.normalised_value,
        panel.in_index
    from panel
    left join indicators on panel.indicator_no = indicators.indicator_no
    left join units on panel.unit_no = units.unit_no

)

select * from final
