-- Provincial GDP in the two vintages the mirror holds, side by side: the NBS provincial tables
-- (china_nbs, revised after the 4th economic census) and the NBS website exports
-- (china_nbs_exports, revised after the 5th). No model splices them: growth accounting and the
-- per-GDP indicators read china_nbs alone; this table publishes the ratio over the overlap so a
-- reader who switches vintage sees the step. Rules: docs block china_gdp_vintages.
with gdp as (

    select
        province_code,
        year,
        max(value) filter (where source = 'china_nbs') as gdp_4th_census,
        max(value) filter (where source = 'china_nbs_exports') as gdp_5th_census
    from {{ ref('int_china__observations') }}
    where kind = 'province' and variable = 'nbs_gdp'
    group by province_code, year

),

final as (

    select
        gdp.province_code,
        provinces.name_en as province_name,
        gdp.year,
        gdp.gdp_4th_census,
        gdp.gdp_5th_census,
        gdp.gdp_5th_census / gdp.gdp_4th_census as vintage_ratio,
        case
            when gdp.gdp_4th_census is not null and gdp.gdp_5th_census is not null then 'both'
            when gdp.gdp_4th_census is not null then '4th census only'
            else '5th census only'
        end as coverage
    from gdp
    inner join {{ ref('china_provinces') }} as provinces using (province_code)

)

select * from final
