-- Provincial capital stock (perpetual inventory, Zhang Jun), per province and year, with the
-- inputs that produced it; formulas in int_china__capital_stock.
select
    stock.province_code,
    provinces.name_en as province_name,
    provinces.name_zh as province_name_zh,
    provinces.nbs_region,
    stock.year,
    stock.investment,
    stock.price_index_rebased,
    stock.real_investment,
    stock.capital_stock,
    stock.start_year,
    stock.base_year,
    stock.depreciation_rate
from {{ ref('int_china__capital_stock') }} as stock
inner join {{ ref('china_provinces') }} as provinces using (province_code)
