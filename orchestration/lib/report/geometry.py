"""World country shapes for the map: Natural Earth 1:110m as TopoJSON, shipped inside this package.

No pip package ships a maintained, licensed Natural Earth country layer (geopandas dropped its copy in 1.0;
the others download at run time), so the file of the npm package world-atlas 2.0.2 is kept in ``geodata/``
with its licence; see ``geodata/README.md``. Its features are keyed by ISO 3166-1 numeric codes, which
pycountry maps to the alpha-3 codes of the published tables.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

GEODATA_DIR = Path(__file__).with_name("geodata")
WORLD_TOPOJSON = GEODATA_DIR / "countries-110m.json"
WORLD_TOPOJSON_OBJECT = "countries"
WORLD_GEOMETRY_CREDIT = (
    "Country shapes: Natural Earth 1:110m Admin 0 countries, version 4.1.0 (public domain), "
    "as redistributed in the npm package world-atlas 2.0.2 by Mike Bostock (ISC licence)."
)


@cache
def world_topology() -> dict[str, Any]:
    return json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))


@cache
def numeric_code_of_alpha3() -> dict[str, str]:
    """ISO alpha-3 -> the zero-padded numeric code the TopoJSON features use as ``id``."""
    return {country.alpha_3: country.numeric for country in pycountry.countries}


def mapped_alpha3_codes() -> set[str]:
    """Alpha-3 codes that have a shape in the 110m layer (tiny states such as Singapore have none)."""
    ids = {geometry.get("id") for geometry in world_topology()["objects"][WORLD_TOPOJSON_OBJECT]["geometries"]}
    return {alpha3 for alpha3, numeric in numeric_code_of_alpha3().items() if numeric in ids}
