-- After cleaning, every year of the yearbook tables covers all 31 provinces, and every year of
-- the capital-stock table covers 30 (before Chongqing's series starts in 1996) or 31.
select
    source,
    year,
    count(distinct province_code) as provinces
from {{ ref('int_china__observations') }}
where kind = 'province'
group by source, year
having count(distinct province_code) <> case
    when source = 'china_capital' and year < 1996 then 30
    else 31
end
