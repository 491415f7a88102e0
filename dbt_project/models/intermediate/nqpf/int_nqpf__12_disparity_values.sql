-- The values whose regional disparities mart_nqpf_disparities measures: per system, year and
-- unit in the index, its region and each measure (the index and the three element scores).
{{ config(materialized='view') }}

with index as (

    select
        nqpf.system_id,
        nqpf.year,
        nqpf.geo_code,
        geographies.region,
        nqpf.nqpf_index,
        nqpf.laborers_score,
        nqpf.instruments_score,
        nqpf.subjects_score
    from {{ ref('mart_nqpf_index') }} as nqpf
    inner join {{ ref('stg_nqpf__systems') }} as systems using (system_id)
    inner join {{ ref('dim_geographies') }} as geographies
        on
            nqpf.geo_code = geographies.geo_code
            and systems.geography = geographies.geography

)

select
    system_id,
    year,
    geo_code,
    region,
    measure,
    y
from index
unpivot (y for measure in (nqpf_index, laborers_score, instruments_score, subjects_score))
