-- Frontier-based TFP per panel, unit and adjacent pair of years, as int_tfp__malmquist solved it
-- (orchestration.lib.frontier); typed for the contract. Definitions: docs block tfp_frontier.
with malmquist as (

    select * from {{ ref('int_tfp__malmquist') }}

),

final as (

    select
        cast(panel as varchar) as panel,
        cast(unit_code as varchar) as unit_code,
        cast(unit_name as varchar) as unit_name,
        cast(year_from as integer) as year_from,
        cast(year_to as integer) as year_to,
        cast(m as double) as m,
        cast(ec as double) as ec,
        cast(tc as double) as tc,
        cast(pec as double) as pec,
        cast(sec as double) as sec,
        cast(m_vrs as double) as m_vrs,
        cast(tc_vrs as double) as tc_vrs,
        cast(m_cum as double) as m_cum,
        cast(ec_cum as double) as ec_cum,
        cast(tc_cum as double) as tc_cum,
        cast(status as varchar) as status,
        cast(ml as double) as ml,
        cast(ml_ec as double) as ml_ec,
        cast(ml_tc as double) as ml_tc,
        cast(ml_cum as double) as ml_cum,
        cast(ml_status as varchar) as ml_status
    from malmquist

)

select * from final
