"""How units are named on the charts: English names, and Chinese beside them for China's provinces."""

from __future__ import annotations

import pandas as pd

from .publication import Publication

# Element names as the marts write them, and how the charts say them.
ELEMENT_LABELS = {
    "laborers": "Laborers",
    "instruments_of_labor": "Instruments of labour",
    "subjects_of_labor": "Subjects of labour",
}
SCORE_COLUMN_LABELS = {
    "nqpf_index": "NQPF index",
    "laborers_score": "Laborers",
    "instruments_score": "Instruments of labour",
    "subjects_score": "Subjects of labour",
}


def unit_labels(publication: Publication) -> pd.DataFrame:
    """One row per geo_code: ``label_en``, ``label_zh`` (provinces only) and ``label`` (``北京 Beijing``).

    English names come from ``dim_geographies``; Chinese province names from
    ``mart_china_capital_stock.province_name_zh``, the one published table that carries them.
    """
    geographies = publication.table("dim_geographies")[["geo_code", "geo_name", "geography"]].drop_duplicates("geo_code")
    labels = geographies.rename(columns={"geo_name": "label_en"})
    chinese = publication.optional_table("mart_china_capital_stock")
    if chinese is not None:
        names_zh = chinese[["province_code", "province_name_zh"]].drop_duplicates("province_code")
        labels = labels.merge(names_zh, how="left", left_on="geo_code", right_on="province_code").drop(columns="province_code")
        labels = labels.rename(columns={"province_name_zh": "label_zh"})
    else:
        labels["label_zh"] = None
    has_zh = labels["label_zh"].notna() & (labels["label_zh"] != "")
    labels["label"] = labels["label_en"]
    labels.loc[has_zh, "label"] = labels.loc[has_zh, "label_zh"] + " " + labels.loc[has_zh, "label_en"]
    labels["label_zh"] = labels["label_zh"].where(has_zh, None)
    # Select boxes choose units by label, so a label two units share gets their codes.
    shared = labels["label"].duplicated(keep=False)
    labels.loc[shared, "label"] = labels.loc[shared, "label"] + " (" + labels.loc[shared, "geo_code"] + ")"
    return labels[["geo_code", "geography", "label", "label_en", "label_zh"]].reset_index(drop=True)


def with_labels(
    frame: pd.DataFrame, labels: pd.DataFrame, code_column: str = "geo_code", fallback_name: str | None = None
) -> pd.DataFrame:
    """``frame`` with a ``label`` column; a unit missing from dim_geographies keeps its own name or code."""
    merged = frame.merge(labels[["geo_code", "label"]].rename(columns={"geo_code": code_column}), on=code_column, how="left")
    fallback = merged[fallback_name] if fallback_name and fallback_name in merged else merged[code_column]
    merged["label"] = merged["label"].fillna(fallback)
    return merged
