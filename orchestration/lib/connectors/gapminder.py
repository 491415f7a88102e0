"""Gapminder Systema Globalis in its DDF CSV layout: one file per concept, plus the geo entities.

Gapminder keys countries by its own lower-case ``geo`` code; the entities file maps each to
its ISO 3166-1 alpha-3 code and says whether it is a country (``is--country``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import requests
from pydantic import BaseModel, Field

from ..indicator_systems import required_codes
from ..settings import DataSourceChoice
from ..value_ranges import series_range
from .fetch import retrieve
from .source import RawTable, Source, SourceFile
from .tables import Column, ParsedTable, TableSchema, parse_table

OFFICIAL_BASE_URL = "https://raw.githubusercontent.com/open-numbers/ddf--gapminder--systema_globalis/master"
MIRROR_FOLDER = "gapminder"
ENTITIES_FILE = "ddf--entities--geo--country.csv"
# Always landed, whatever the indicator systems use: analysts reach for these three.
DEFAULT_CONCEPTS = (
    "co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp",
    "total_gdp_us_inflation_adjusted",
    "working_hours_per_week",
)
OBSERVATION_COLUMNS = ["indicator_code", "gapminder_geo", "year", "value", "source_file", "source_line"]
GEO_COLUMNS = ["gapminder_geo", "gapminder_name", "iso3", "is_country", "world_4region", "source_file"]

ENTITIES_SCHEMA = TableSchema(
    source="gapminder",
    key=("country",),
    columns=(
        Column("country", "text"),
        Column("name", "text"),
        Column("iso3166_1_alpha3", "text"),
        Column("is--country", "text"),
        Column("world_4region", "text", required=False),
    ),
)

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    pass


def datapoints_file(concept: str) -> str:
    return f"ddf--datapoints--{concept}--by--geo--time.csv"


def concepts() -> list[str]:
    """Concepts to land: the defaults and every concept an indicator system names."""
    return sorted(set(DEFAULT_CONCEPTS) | set(required_codes("gapminder")))


def online_url(relative: str, base_url: str = OFFICIAL_BASE_URL) -> str:
    folder = "" if relative == ENTITIES_FILE else "countries-etc-datapoints/"
    return f"{base_url.rstrip('/')}/{folder}{relative}"


def datapoints_schema(concept: str) -> TableSchema:
    return TableSchema(
        source="gapminder",
        key=("geo", "time"),
        columns=(
            Column("geo", "text"),
            Column("time", "integer"),
            Column(concept, "number", valid=series_range("gapminder", concept)),
        ),
        duplicate_rows="drop_identical",
    )


def parse_datapoints(path: Path, shown: str, concept: str) -> ParsedTable:
    import pandas as pd

    table = parse_table(path, shown, schema=datapoints_schema(concept))
    frame = table.frame
    table.frame = pd.DataFrame(
        {
            "indicator_code": concept,
            "gapminder_geo": frame["geo"],
            "year": frame["time"],
            "value": frame[concept],
            "source_file": shown,
            "source_line": frame.index + 2,
        }
    )[OBSERVATION_COLUMNS]
    return table


def parse_entities(path: Path, shown: str) -> ParsedTable:
    import pandas as pd

    table = parse_table(path, shown, schema=ENTITIES_SCHEMA)
    frame = table.frame
    table.frame = pd.DataFrame(
        {
            "gapminder_geo": frame["country"],
            "gapminder_name": frame["name"],
            "iso3": frame["iso3166_1_alpha3"].str.upper(),
            "is_country": frame["is--country"].str.upper().eq("TRUE"),
            "world_4region": frame["world_4region"] if "world_4region" in frame else None,
            "source_file": shown,
        }
    )[GEO_COLUMNS]
    return table


class GapminderOptions(BaseModel):
    base_url: str = Field(default=OFFICIAL_BASE_URL, description="Base URL of the DDF repository (online)")


class Gapminder(Source):
    name = "gapminder"
    title = "Gapminder Systema Globalis (DDF)"
    citation = "Gapminder Systema Globalis, github.com/open-numbers/ddf--gapminder--systema_globalis"
    licence = "CC BY 4.0"
    official_url = OFFICIAL_BASE_URL
    Options = GapminderOptions
    tables = (
        RawTable(
            asset="gapminder_observations_raw",
            table="raw.gapminder_observations",
            description="Gapminder Systema Globalis datapoints: CO2 intensity of GDP, GDP in constant US$ and weekly "
            "working hours (and any concept the indicator systems name), long.",
            long=True,
            preview_columns=("indicator_code", "gapminder_geo", "year", "value"),
            preview_order=("year",),
            unit_column="gapminder_geo",
            year_column="year",
            value_column="value",
        ),
        RawTable(
            asset="gapminder_geo_raw",
            table="raw.gapminder_geo",
            description="Gapminder geo entities: Gapminder code, name, ISO3 code, whether it is a country.",
            unit_column="gapminder_geo",
        ),
    )

    def files(self, choice: DataSourceChoice, session: requests.Session, options: GapminderOptions) -> Iterator[SourceFile]:
        def fetch(relative: str):
            return partial(
                retrieve, self.name, online_url(relative, options.base_url), f"{MIRROR_FOLDER}/{relative}", choice, session
            )

        yield SourceFile("raw.gapminder_geo", fetch(ENTITIES_FILE), parse_entities, "entities")
        for concept in concepts():
            yield SourceFile(
                "raw.gapminder_observations", fetch(datapoints_file(concept)), partial(parse_datapoints, concept=concept), concept
            )

    def mirror_files(self, mirror: Path) -> list[Path]:
        return [mirror / MIRROR_FOLDER / f for f in (ENTITIES_FILE, *map(datapoints_file, concepts()))]

    def summary(self, table: RawTable, frame) -> dict:
        if table.table == "raw.gapminder_geo":
            return {"geos_without_iso3": int(frame["iso3"].isna().sum())}
        return {"concepts": sorted(frame["indicator_code"].unique().tolist())}
