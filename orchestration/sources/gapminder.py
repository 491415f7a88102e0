"""Gapminder Systema Globalis in its DDF CSV layout: one file per concept, plus the geo entities.

Gapminder keys countries by its own lower-case ``geo`` code; the entities file maps each to
its ISO 3166-1 alpha-3 code and says whether it is a country (``is--country``).
"""

from pathlib import Path

import pandas as pd

from ..indicator_system import required_codes
from .tables import Column, TableSchema, read_table

SOURCE = "gapminder"
TITLE = "Gapminder Systema Globalis (DDF)"
OFFICIAL_BASE_URL = "https://raw.githubusercontent.com/open-numbers/ddf--gapminder--systema_globalis/master"
ENTITIES_FILE = "ddf--entities--geo--country.csv"
# Always landed, whatever the indicator systems use: analysts reach for these three.
DEFAULT_CONCEPTS = (
    "co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp",
    "total_gdp_us_inflation_adjusted",
    "working_hours_per_week",
)
OBSERVATION_COLUMNS = ["concept", "geo", "year", "value", "_file", "_line"]
GEO_COLUMNS = ["geo", "geo_name", "iso3", "is_country", "world_4region", "_file"]

ENTITIES_SCHEMA = TableSchema(
    source=SOURCE,
    key=("country",),
    columns=(Column("country", "text"), Column("name", "text"), Column("iso3166_1_alpha3", "text"),
             Column("is--country", "text"), Column("world_4region", "text", required=False)),
)


def datapoints_file(concept: str) -> str:
    return f"ddf--datapoints--{concept}--by--geo--time.csv"


def concepts() -> list[str]:
    """Concepts to land: the defaults and every concept an indicator system names."""
    return sorted(set(DEFAULT_CONCEPTS) | set(required_codes(SOURCE)))


def online_url(relative: str, base_url: str = OFFICIAL_BASE_URL) -> str:
    folder = "" if relative == ENTITIES_FILE else "countries-etc-datapoints/"
    return f"{base_url.rstrip('/')}/{folder}{relative}"


def datapoints_schema(concept: str) -> TableSchema:
    return TableSchema(
        source=SOURCE,
        key=("geo", "time"),
        columns=(Column("geo", "text"), Column("time", "integer"), Column(concept, "number")),
        duplicate_rows="drop_identical",
    )


def parse_datapoints(path: Path, shown: str, concept: str) -> tuple[pd.DataFrame, list[str]]:
    table = read_table(path, shown, schema=datapoints_schema(concept))
    frame = table.frame
    observations = pd.DataFrame({
        "concept": concept,
        "geo": frame["geo"],
        "year": frame["time"],
        "value": frame[concept],
        "_file": shown,
        "_line": frame.index + 2,
    })[OBSERVATION_COLUMNS]
    return observations, table.dropped_duplicates


def parse_entities(path: Path, shown: str) -> pd.DataFrame:
    frame = read_table(path, shown, schema=ENTITIES_SCHEMA).frame
    return pd.DataFrame({
        "geo": frame["country"],
        "geo_name": frame["name"],
        "iso3": frame["iso3166_1_alpha3"].str.upper(),
        "is_country": frame["is--country"].str.upper().eq("TRUE"),
        "world_4region": frame["world_4region"] if "world_4region" in frame else None,
        "_file": shown,
    })[GEO_COLUMNS]
