-- The units indicator systems score, as published (definition in int_geographies).
select
    geo_code,
    geo_name,
    geography,
    region,
    region_scheme,
    income_group
from {{ ref('int_geographies') }}
