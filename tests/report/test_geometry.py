"""The world shapes shipped with the report: the file as released in world-atlas 2.0.2, joined by ISO codes."""

from __future__ import annotations

import hashlib

from orchestration.lib.report.geometry import WORLD_TOPOJSON, mapped_alpha3_codes, numeric_code_of_alpha3, world_topology

WORLD_ATLAS_110M_SHA256 = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"


def test_shapes_are_world_atlas_unmodified_with_their_licence():
    assert hashlib.sha256(WORLD_TOPOJSON.read_bytes()).hexdigest() == WORLD_ATLAS_110M_SHA256
    licence = (WORLD_TOPOJSON.parent / "LICENSE-world-atlas").read_text(encoding="utf-8")
    assert licence.startswith("Copyright 2013-2019 Michael Bostock") and "Permission to use, copy, modify" in licence


def test_alpha3_codes_join_the_shapes():
    assert numeric_code_of_alpha3()["CHN"] == "156" and numeric_code_of_alpha3()["AFG"] == "004"
    mapped = mapped_alpha3_codes()
    assert {"CHN", "USA", "DEU", "BRA", "NGA", "IND", "AUS"} <= mapped
    assert "SGP" not in mapped  # too small for 1:110m
    ids = {geometry["id"] for geometry in world_topology()["objects"]["countries"]["geometries"] if "id" in geometry}
    assert len(ids) == 174  # 177 shapes; Northern Cyprus, Somaliland and Kosovo have no ISO code
    assert ids <= set(numeric_code_of_alpha3().values()), "every coded shape joins a pycountry alpha-3 code"
    assert len(mapped) == len(ids)
