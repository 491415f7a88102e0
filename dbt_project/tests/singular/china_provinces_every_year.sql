-- After cleaning, every year of every provincial source covers all 31 provinces, except where a
-- province did not exist yet or the publisher leaves one out: the capital-stock table before
-- Chongqing's series starts (1996), the employment workbook before Hainan (1988) and Chongqing
-- (1997) became provinces, and CEADs, which has no Tibet.
select
    source,
    year,
    count(distinct province_code) as provinces
from {{ ref('int_china__observations') }}
where kind = 'province'
group by source, year
having count(distinct province_code) <> case
    when source = 'china_capital' and year < 1996 then 30
    when source = 'china_employment' and year < 1988 then 29
    when source = 'china_employment' and year < 1997 then 30
    when source = 'china_co2' then 30
    else 31
end
