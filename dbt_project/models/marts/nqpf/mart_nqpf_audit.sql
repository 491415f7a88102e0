-- Statistical coherence per system: each indicator's correlation with its element score and the
-- index, each element's internal consistency, and flags an analyst should look at.
-- Docs block nqpf_audit.
with audit as (

    select * from {{ ref('int_nqpf__11_audit') }}

)

select
    system_id,
    element,
    indicator_id,
    case when indicator_id is null then 'element' else 'indicator' end as level,
    cast(indicators as integer) as indicators,
    pearson_with_element,
    spearman_with_element,
    pearson_with_index,
    spearman_with_index,
    cronbach_alpha,
    pc1_variance_share,
    case
        when indicator_id is not null and pearson_with_element < 0 then 'negative correlation with its element'
        when indicator_id is not null and pearson_with_element < 0.3 then 'weak correlation with its element (below 0.3)'
        when indicator_id is null and cronbach_alpha < 0.6 then 'low internal consistency (Cronbach alpha below 0.6)'
    end as flag
from audit
