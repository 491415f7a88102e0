-- Provincial statistics cleaned against the seeds, with gdp_implied derived.
-- Rules and the errors that stop the build: docs block china_cleaning (models/docs/methods.md).
{%- set staged_models = [ref('stg_china__techme'), ref('stg_china__capital_stock'), ref('stg_china__nbs'),
    ref('stg_china__nbs_exports'), ref('stg_china__employment'), ref('stg_china__co2')] -%}
{%- set staged -%}
    ({% for model in staged_models %}select * from {{ model }}{% if not loop.last %} union all {% endif %}{% endfor %})
{%- endset -%}
{%- set labels = ref('china_region_labels') -%}
{%- set units = ref('china_units') -%}
{%- set corrections = ref('china_unit_corrections') -%}
{%- set mapped -%}
    (select s.*, regexp_replace(s.region_label, '\s', '', 'g') as clean_label, l.province_code, l.kind,
            coalesce(c.correct_unit, s.published_unit) as unit, c.correct_unit is not null as unit_corrected,
            u.base_unit, u.factor
     from {{ staged }} s
     left join {{ labels }} l on l.label = regexp_replace(s.region_label, '\s', '', 'g')
     left join {{ corrections }} c on c.variable = s.variable and c.published_unit = s.published_unit
     left join {{ units }} u on u.unit = coalesce(c.correct_unit, s.published_unit))
{%- endset %}

{{ raise_if_rows(
    "select source, region_label, count(*), min(source_file || ' line ' || source_line) from " ~ mapped ~ "
     where kind is null group by 1, 2 order by 1, 2",
    "region labels that the seed china_region_labels does not know (source | label | values | first at); "
    ~ "add them to dbt_project/seeds/china_region_labels.csv"
) }}
{{ raise_if_rows(
    "select source, region_label, region_code, coalesce(province_code, '(none)'), count(*), min(source_file || ' line ' || source_line)
     from " ~ mapped ~ " where region_code is not null and (
         (kind = 'province' and region_code <> province_code)
         or (kind <> 'province' and region_code in (select province_code from " ~ ref('china_provinces') ~ ")))
     group by 1, 2, 3, 4 order by 1, 2, 3",
    "region codes that are not the GB/T 2260 code of their label (source | label | code | label's code | values | first at); "
    ~ "fix the label or the code in dbt_project/seeds/china_region_labels.csv"
) }}
{{ raise_if_rows(
    "select source, variable, unit, count(*), min(source_file || ' line ' || source_line) from " ~ mapped ~ "
     where base_unit is null group by 1, 2, 3 order by 1, 2, 3",
    "units that the seed china_units does not know (source | variable | unit | values | first at)"
) }}
{{ raise_if_rows(
    "select source, variable, string_agg(distinct unit || ' (' || year || ')', ', ' order by unit || ' (' || year || ')') from "
    ~ mapped ~ " group by 1, 2 having count(distinct base_unit) > 1 order by 1, 2",
    "variables published in more than one unit, not covered by china_unit_corrections (source | variable | units (years))"
) }}
{{ raise_if_rows(
    "select source, province_code, variable, year, string_agg(value || ' at ' || source_file || ' line ' || source_line, '; ')
     from " ~ mapped ~ " where kind = 'province'
     group by 1, 2, 3, 4 having max(value * factor) - min(value * factor) > max(factor) order by 1, 2, 3, 4",
    "province-years published twice with values more than one published unit apart (source | province | variable | year | values)"
) }}

with mapped as (

    select * from {{ mapped }}

),

harmonised as (

    select
        source,
        coalesce(province_code, clean_label) as unit_code,
        province_code,
        kind,
        variable,
        year,
        arg_min(value * factor, source_file) as value,
        any_value(base_unit) as unit,
        bool_or(unit_corrected) as unit_corrected,
        any_value(variable_label) as variable_label,
        min(source_file) as source_file,
        min(source_line) as source_line
    from mapped
    group by source, coalesce(province_code, clean_label), province_code, kind, variable, year

),

implied_gdp as (

    select
        spending.source,
        spending.unit_code,
        spending.province_code,
        spending.kind,
        'gdp_implied' as variable,
        spending.year,
        spending.value / (intensity.value / 100) as value,
        '亿元' as unit,
        false as unit_corrected,
        'GDP implied by R&D expenditure / R&D intensity' as variable_label,
        spending.source_file,
        spending.source_line
    from harmonised as spending
    inner join harmonised as intensity
        on
            spending.source = intensity.source
            and spending.unit_code = intensity.unit_code
            and spending.year = intensity.year
            and intensity.variable = 'v4_ztr_qd_RD'
    where
        spending.variable = 'v4_ztr_jf_RD'
        and intensity.value > 0

)

select * from harmonised
union all
select * from implied_gdp
