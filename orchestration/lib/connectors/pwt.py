"""Penn World Table 10.01: where it lives and what the pipeline relies on in it.

Feenstra, Inklaar and Timmer (2015), "The Next Generation of the Penn World Table",
American Economic Review 105(10); data CC BY 4.0, DOI 10.34894/QT5BCC.
"""

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import requests
from pydantic import BaseModel, Field

from ..settings import DataSourceChoice
from ..value_ranges import value_ranges
from .fetch import retrieve
from .source import RawTable, Source, SourceFile
from .tables import Column, ParsedTable, TableSchema, file_format, parse_table

# The official release is published as pwt1001.xlsx (sheet "Data") and pwt1001.dta; either
# URL works, the parser reads both. Override with the ingest asset's `url` config.
OFFICIAL_URL = "https://www.rug.nl/ggdc/docs/pwt1001.xlsx"
MIRROR_PATH = "pwt/pwt1001.csv"

# Identifiers land under the pipeline's names; PWT's variables keep PWT's own codes, which
# the indicator systems name (pwt:hc, pwt:rnna) and the PWT user guide defines.
_IDENTIFIERS = (
    Column("country", "text", landed_as="economy_name"),
    Column("isocode", "text", landed_as="economy_code"),
    Column("year", "integer"),
    Column("currency", "text", landed_as="currency_unit"),
)
# Variables the staging models read are required; the rest of the official release is typed
# when present. Anything not listed here is tolerated, kept as text and recorded.
_USED = ("pop", "emp", "avh", "hc", "rgdpna", "rkna", "rnna", "rtfpna", "labsh")
_OTHER_TEXT = ("i_cig", "i_xm", "i_xr", "i_outlier", "i_irr")
# fmt: off
_OTHER_NUMBERS = (
    "rgdpe", "rgdpo", "ccon", "cda", "cgdpe", "cgdpo", "cn", "ck", "ctfp", "cwtfp", "rconna",
    "rdana", "rwtfpna", "irr", "delta", "xr", "pl_con", "pl_da", "pl_gdpo", "cor_exp", "statcap",
    "csh_c", "csh_i", "csh_g", "csh_x", "csh_m", "csh_r", "pl_c", "pl_i", "pl_g", "pl_x", "pl_m",
    "pl_n", "pl_k",
)
# fmt: on

_VALID = value_ranges("pwt", "column")  # every numeric column has its valid range in the seed
SCHEMA = TableSchema(
    source="pwt",
    key=("isocode", "year"),
    excel_sheet="Data",
    columns=(
        *_IDENTIFIERS,
        *(Column(name, "number", valid=_VALID[name]) for name in _USED),
        *(Column(name, "text", required=False) for name in _OTHER_TEXT),
        *(Column(name, "number", required=False, valid=_VALID[name]) for name in _OTHER_NUMBERS),
    ),
)


def parse(path: Path, shown: str) -> ParsedTable:
    """The release as typed by ``SCHEMA``, each row with the file and row it came from (messages name them)."""
    parsed = parse_table(path, shown, schema=SCHEMA)
    frame = parsed.frame
    fmt = file_format(path)
    # the frame keeps each data row's position in the file (verbatim repeats are dropped, not renumbered)
    frame["source_file"] = shown
    frame["source_line"] = (frame.index + (1 if fmt == "stata" else 2)).astype("int64")
    return parsed


class PwtOptions(BaseModel):
    url: str | None = Field(default=None, description="Override the official download URL (.xlsx, .dta or .csv)")


class PennWorldTable(Source):
    name = "pwt"
    title = "Penn World Table 10.01"
    citation = "Feenstra, Inklaar and Timmer (2015), AER 105(10); www.ggdc.net/pwt"
    licence = "CC BY 4.0"
    official_url = OFFICIAL_URL
    Options = PwtOptions
    tables = (
        RawTable(
            asset="pwt_raw",
            table="raw.pwt",
            description="Penn World Table 10.01, landed verbatim (typed): one row per economy and year, PWT's variables "
            "under their own codes, with the file and line (sheet row, observation) each row came from.",
            preview_columns=("economy_code", "year", "rgdpna", "rkna", "emp", "avh", "hc", "labsh", "rtfpna"),
            preview_order=("year",),
            unit_column="economy_code",
            year_column="year",
            value_column="rgdpna",
        ),
    )

    def files(self, choice: DataSourceChoice, session: requests.Session, options: PwtOptions) -> Iterator[SourceFile]:
        url = options.url or OFFICIAL_URL
        yield SourceFile("raw.pwt", partial(retrieve, self.name, url, MIRROR_PATH, choice, session), parse, "pwt")

    def mirror_files(self, mirror: Path) -> list[Path]:
        return [mirror / MIRROR_PATH]

    def summary(self, table: RawTable, frame) -> dict:
        return {"columns": len(frame.columns), "economies": int(frame["economy_code"].nunique())}
