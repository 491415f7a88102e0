"""The scale benchmark's baseline: the synthetic system's index computed as the literature's scripts do.

A straightforward pandas implementation of the same methods, independent of the pipeline's
code: pivot the long table, screen the unit-years, treat outliers (COINr's default), impute the
region median, min-max normalise, entropy weights, weighted means, TOPSIS, coupling
coordination, and the Dagum Gini decomposition over every pair of units (its definition). It
reads the files ``orchestration.lib.synthetic.generate`` writes and returns (or writes) the index
and the disparities, which the tests compare with the pipeline's marts.

    python -m orchestration.tools.pandas_peer SYNTHETIC_DIR OUT_DIR
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ELEMENT_SCORES = {
    "laborers": "laborers_score",
    "instruments_of_labor": "instruments_score",
    "subjects_of_labor": "subjects_score",
}
MEASURES = ["nqpf_index", *ELEMENT_SCORES.values()]


def compute(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(index per unit-year, Dagum Gini per year and measure) of the synthetic system in ``directory``."""
    observations = pd.read_parquet(directory / "observations.parquet", columns=["indicator_code", "geo_code", "year", "value"])
    units = pd.read_parquet(directory / "units.parquet").set_index("geo_code")
    system = pd.read_parquet(directory / "nqpf_systems.parquet").iloc[0]
    indicators = pd.read_parquet(directory / "nqpf_indicators.parquet").set_index("indicator_code")

    wide = observations.pivot_table(index=["geo_code", "year"], columns="indicator_code", values="value")
    wide = wide.reindex(columns=sorted(indicators.index))
    element = indicators.loc[wide.columns, "element"]

    # screening: enough values in every element and overall
    counts = wide.notna().T.groupby(element).sum().T
    sizes = element.value_counts()
    qualifies = (counts >= system.min_share_per_element * sizes[counts.columns] - 1e-9).all(axis=1)
    qualifies &= wide.notna().sum(axis=1) >= system.min_data_share * wide.shape[1] - 1e-9
    panel = wide[qualifies]

    treated = panel.apply(lambda column: treat(column, system))
    region = units.loc[treated.index.get_level_values("geo_code"), "region"].to_numpy()
    year = treated.index.get_level_values("year")
    imputed = treated.fillna(treated.groupby([year, region]).transform("median")).fillna(
        treated.groupby(year).transform("median")
    )

    oriented = imputed * np.where(indicators.loc[imputed.columns, "direction"] == "-", -1.0, 1.0)
    low, high = oriented.min(), oriented.max()
    shift = system.normalisation_shift
    z = (oriented - low) / (high - low) * (1 - shift) + shift

    p = z / z.sum()
    entropy = -(p * np.log(p)).sum() / np.log(z.count())
    divergence = 1 - entropy
    in_system = divergence / divergence.sum()
    in_element = divergence / divergence.groupby(element).transform("sum")

    index = pd.DataFrame(index=z.index)
    for name, column in ELEMENT_SCORES.items():
        members = element.index[element == name]
        index[column] = weighted_mean(z[members], in_element[members])
    index["nqpf_index"] = weighted_mean(z, in_system)
    weighted = z * in_system
    to_best = np.sqrt(((weighted - weighted.max()) ** 2).sum(axis=1))
    to_worst = np.sqrt(((weighted - weighted.min()) ** 2).sum(axis=1))
    index["topsis_closeness"] = to_worst / (to_best + to_worst)
    scores = index[list(ELEMENT_SCORES.values())]
    index["coupling_degree"] = np.cbrt(scores.prod(axis=1)) / scores.mean(axis=1)
    index["coordination_index"] = scores.mean(axis=1)
    index["coupling_coordination"] = np.sqrt(index["coupling_degree"] * index["coordination_index"])
    index["nqpf_rank"] = index.groupby(level="year")["nqpf_index"].rank(method="min", ascending=False).astype(int)
    index = index.reset_index()
    index["region"] = units.loc[index["geo_code"], "region"].to_numpy()
    return index, dagum(index)


def treat(x: pd.Series, system) -> pd.Series:
    """COINr's default: winsorise the skewed side one value at a time, at most winmax points, else log."""

    def passes(values: pd.Series) -> bool:
        return abs(values.skew()) < system.treatment_skew_threshold or values.kurt() < system.treatment_kurt_threshold

    if passes(x):
        return x
    values = x.copy()
    while not passes(values) and (values.notna() & (values != x)).sum() < system.treatment_winmax:
        if values.skew() >= 0:
            top = values == values.max()
            values[top] = values[~top].max()
        else:
            bottom = values == values.min()
            values[bottom] = values[~bottom].min()
    if passes(values):
        return values
    return np.log(x - x.min() + 0.01 * (x.max() - x.min()))


def weighted_mean(z: pd.DataFrame, w: pd.Series) -> pd.Series:
    present = z.notna()
    return (z * w).sum(axis=1) / (present * w).sum(axis=1)


def dagum(index: pd.DataFrame) -> pd.DataFrame:
    """Dagum's (1997) Gini and its within, between and transvariation parts, from every pair of units."""
    rows = []
    for (year, measure), group in index.melt(["geo_code", "year", "region"], MEASURES, "measure", "y").groupby(
        ["year", "measure"]
    ):
        n, mu = len(group), group["y"].mean()
        regions = {name: part["y"].to_numpy() for name, part in group.groupby("region")}
        total = within = between = transvariation = 0.0
        for a, ya in regions.items():
            for b, yb in regions.items():
                difference = ya[:, None] - yb[None, :]
                sum_abs = np.abs(difference).sum()
                total += sum_abs
                p_a, s_a = ya.size / n, ya.sum() / (n * mu)
                p_b, s_b = yb.size / n, yb.sum() / (n * mu)
                if a == b:
                    within += sum_abs / (2 * ya.size**2 * ya.mean()) * p_a * s_a
                elif (ya.mean(), a) > (yb.mean(), b):  # each pair of regions once, the richer first
                    g_ab = sum_abs / (ya.size * yb.size * (ya.mean() + yb.mean()))
                    d_ab, p_ab = np.maximum(difference, 0).sum(), np.maximum(-difference, 0).sum()
                    share = (d_ab - p_ab) / (d_ab + p_ab) if d_ab + p_ab else 0.0
                    between += g_ab * (p_a * s_b + p_b * s_a) * share
                    transvariation += g_ab * (p_a * s_b + p_b * s_a) * (1 - share)
        rows.append(
            {
                "year": year,
                "measure": measure,
                "gini": total / (2 * n**2 * mu),
                "gini_within": within,
                "gini_between": between,
                "gini_transvariation": transvariation,
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str]) -> None:
    directory, out = Path(argv[0]), Path(argv[1])
    index, disparities = compute(directory)
    out.mkdir(parents=True, exist_ok=True)
    index.to_parquet(out / "index.parquet")
    disparities.to_parquet(out / "disparities.parquet")


if __name__ == "__main__":
    main(sys.argv[1:])
