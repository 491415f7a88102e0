-- Regional disparities of the NQPF index and of each element score, per system and year:
-- Dagum Gini with its decomposition, Theil with its within/between split, coefficient of
-- variation. Formulas: docs block nqpf_disparities (models/docs/methods.md). The Gini terms come
-- from sums over region pairs computed from one sort per group (int_nqpf__13_region_pair_sums), so
-- a group of n units costs n log n, not the n^2 of all pairs
-- (tests/singular/dagum_sorted_sums_equal_the_pairwise_definition.sql keeps the pairwise definition).
with measured as (

    select * from {{ ref('int_nqpf__12_disparity_values') }}

),

overall as (

    select
        system_id,
        year,
        measure,
        count(*) as n,
        avg(y) as mu,
        stddev_pop(y) as sd
    from measured
    group by system_id, year, measure

),

with_region_mean as (

    select
        *,
        avg(y) over (partition by system_id, year, measure, region) as region_mean
    from measured

),

regions as (

    select
        with_region_mean.system_id,
        with_region_mean.year,
        with_region_mean.measure,
        with_region_mean.region,
        count(*) as n_j,
        avg(with_region_mean.y) as mu_j,
        count(*) / {{ dbt.any_value("overall.n") }} as p_j,
        count(*) * avg(with_region_mean.y) / ({{ dbt.any_value("overall.n") }} * {{ dbt.any_value("overall.mu") }}) as s_j,
        avg(with_region_mean.y / with_region_mean.region_mean * ln(with_region_mean.y / with_region_mean.region_mean)) as theil_j
    from with_region_mean
    inner join overall using (system_id, year, measure)
    group by with_region_mean.system_id, with_region_mean.year, with_region_mean.measure, with_region_mean.region

),

-- Sum of |y_i - y_r| over every unit i of region a and r of region b (n log n per group, not the
-- n^2 of a self-join: orchestration/lib/disparities.py)
pairs as (

    select * from {{ ref('int_nqpf__13_region_pair_sums') }}

),

region_pairs as (

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
        -- sum over pairs of max(y_a - y_b, 0) minus that of max(y_b - y_a, 0) is n_a n_b (mu_a - mu_b)
        (pairs.sum_abs + ra.n_j * rb.n_j * (ra.mu_j - rb.mu_j)) / 2 as sum_a_above_b,
        (pairs.sum_abs - ra.n_j * rb.n_j * (ra.mu_j - rb.mu_j)) / 2 as sum_b_above_a
    from pairs
    inner join regions as ra
        on pairs.system_id = ra.system_id and pairs.year = ra.year and pairs.measure = ra.measure and pairs.region_a = ra.region
    inner join regions as rb
        on pairs.system_id = rb.system_id and pairs.year = rb.year and pairs.measure = rb.measure and pairs.region_b = rb.region

),

dagum as (

    select
        system_id,
        year,
        measure,
        sum(sum_abs / (2 * n_a * n_a * mu_a) * p_a * s_a) filter (where region_a = region_b) as gini_within,
        -- each unordered pair of regions once, oriented so that region a has the higher mean
        sum(
            sum_abs / (n_a * n_b * (mu_a + mu_b)) * (p_a * s_b + p_b * s_a)
            * (sum_a_above_b - sum_b_above_a) / nullif(sum_a_above_b + sum_b_above_a, 0)
        )
        filter (where region_a <> region_b and (mu_a > mu_b or (mu_a = mu_b and region_a > region_b))) as gini_between,
        sum(
            sum_abs / (n_a * n_b * (mu_a + mu_b)) * (p_a * s_b + p_b * s_a)
            * (1 - coalesce((sum_a_above_b - sum_b_above_a) / nullif(sum_a_above_b + sum_b_above_a, 0), 0))
        )
        filter (where region_a <> region_b and (mu_a > mu_b or (mu_a = mu_b and region_a > region_b))) as gini_transvariation,
        sum(sum_abs) as sum_abs_all
    from region_pairs
    group by system_id, year, measure

),

theil as (

    select
        system_id,
        year,
        measure,
        sum(regions.s_j * regions.theil_j) as theil_within,
        sum(regions.s_j * ln(regions.mu_j / overall.mu)) as theil_between,
        count(*) as regions
    from regions
    inner join overall using (system_id, year, measure)
    group by system_id, year, measure

),

theil_total as (

    select
        measured.system_id,
        measured.year,
        measured.measure,
        avg(measured.y / overall.mu * ln(measured.y / overall.mu)) as theil
    from measured
    inner join overall using (system_id, year, measure)
    group by measured.system_id, measured.year, measured.measure

),

final as (

    select
        overall.system_id,
        overall.year,
        overall.measure,
        cast(overall.n as integer) as units,
        cast(theil.regions as integer) as regions,
        overall.mu as mean,
        dagum.sum_abs_all / (2 * overall.n * overall.n * overall.mu) as gini,
        dagum.gini_within,
        coalesce(dagum.gini_between, 0) as gini_between,
        coalesce(dagum.gini_transvariation, 0) as gini_transvariation,
        theil_total.theil,
        theil.theil_within,
        theil.theil_between,
        overall.sd / overall.mu as coefficient_of_variation
    from overall
    inner join dagum using (system_id, year, measure)
    inner join theil using (system_id, year, measure)
    inner join theil_total using (system_id, year, measure)

)

select * from final
