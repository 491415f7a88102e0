-- mart_nqpf_disparities computes Dagum's Gini from sorted cumulative sums. This restates the
-- definition over every pair of units (a self-join, as the mart did before) and returns the
-- system-years whose Gini or any of its three parts differ by more than 1e-12. Groups of more
-- than 2,000 units are left out: all their pairs would cost more than the mart itself.
with measured as (

    select * from {{ ref('int_nqpf__12_disparity_values') }}

),

small_groups as (

    select
        system_id,
        year,
        measure,
        count(*) as n,
        avg(y) as mu
    from measured
    group by system_id, year, measure
    having count(*) <= 2000

),

regions as (

    select
        measured.system_id,
        measured.year,
        measured.measure,
        measured.region,
        count(*) as n_j,
        avg(measured.y) as mu_j,
        count(*) / any_value(small_groups.n) as p_j,
        sum(measured.y) / (any_value(small_groups.n) * any_value(small_groups.mu)) as s_j
    from measured
    inner join small_groups using (system_id, year, measure)
    group by measured.system_id, measured.year, measured.measure, measured.region

),

pairs as (

    select
        a.system_id,
        a.year,
        a.measure,
        a.region as region_a,
        b.region as region_b,
        sum(abs(a.y - b.y)) as sum_abs,
        sum(greatest(a.y - b.y, 0)) as above,
        sum(greatest(b.y - a.y, 0)) as below
    from measured as a
    inner join measured as b
        on a.system_id = b.system_id and a.year = b.year and a.measure = b.measure
    inner join small_groups as g
        on a.system_id = g.system_id and a.year = g.year and a.measure = g.measure
    group by a.system_id, a.year, a.measure, a.region, b.region

),

terms as (

    select
        pairs.*,
        ra.n_j as n_a,
        ra.mu_j as mu_a,
        ra.p_j as p_a,
        ra.s_j as s_a,
        rb.n_j as n_b,
        rb.mu_j as mu_b,
        rb.p_j as p_b,
        rb.s_j as s_b,
        (pairs.above - pairs.below) / nullif(pairs.above + pairs.below, 0) as d_ab,
        -- G_ab (p_a s_b + p_b s_a), for each unordered pair of regions once: region a has the higher mean
        pairs.sum_abs / (ra.n_j * rb.n_j * (ra.mu_j + rb.mu_j)) * (ra.p_j * rb.s_j + rb.p_j * ra.s_j) as weighted_g_ab,
        pairs.region_a <> pairs.region_b
        and (ra.mu_j > rb.mu_j or (ra.mu_j = rb.mu_j and pairs.region_a > pairs.region_b)) as is_between
    from pairs
    inner join regions as ra
        on pairs.system_id = ra.system_id and pairs.year = ra.year and pairs.measure = ra.measure and pairs.region_a = ra.region
    inner join regions as rb
        on pairs.system_id = rb.system_id and pairs.year = rb.year and pairs.measure = rb.measure and pairs.region_b = rb.region

),

pairwise as (

    select
        terms.system_id,
        terms.year,
        terms.measure,
        sum(terms.sum_abs) / (2 * any_value(g.n) * any_value(g.n) * any_value(g.mu)) as gini,
        sum(terms.sum_abs / (2 * terms.n_a * terms.n_a * terms.mu_a) * terms.p_a * terms.s_a)
        filter (where terms.region_a = terms.region_b) as gini_within,
        coalesce(sum(terms.weighted_g_ab * terms.d_ab) filter (where terms.is_between), 0) as gini_between,
        coalesce(sum(terms.weighted_g_ab * (1 - coalesce(terms.d_ab, 0))) filter (where terms.is_between), 0)
            as gini_transvariation
    from terms
    inner join small_groups as g using (system_id, year, measure)
    group by terms.system_id, terms.year, terms.measure

)

select
    pairwise.*,
    mart.gini as mart_gini,
    mart.gini_within as mart_gini_within,
    mart.gini_between as mart_gini_between,
    mart.gini_transvariation as mart_gini_transvariation
from pairwise
inner join {{ ref('mart_nqpf_disparities') }} as mart using (system_id, year, measure)
where
    abs(pairwise.gini - mart.gini) > 1e-12
    or abs(pairwise.gini_within - mart.gini_within) > 1e-12
    or abs(pairwise.gini_between - mart.gini_between) > 1e-12
    or abs(pairwise.gini_transvariation - mart.gini_transvariation) > 1e-12
