"""Penn World Table 10.01: where it lives and what the pipeline relies on in it.

Feenstra, Inklaar and Timmer (2015), "The Next Generation of the Penn World Table",
American Economic Review 105(10); data CC BY 4.0, DOI 10.34894/QT5BCC.
"""

from .spec import FileSource
from .tables import Column, TableSchema

SOURCE = "pwt"
TITLE = "Penn World Table 10.01"
# The official release is published as pwt1001.xlsx (sheet "Data") and pwt1001.dta; either
# URL works, the parser reads both. Override with the ingest asset's `url` config.
OFFICIAL_URL = "https://www.rug.nl/ggdc/docs/pwt1001.xlsx"
MIRROR_PATH = "pwt/pwt1001.csv"

# Columns the staging model reads are required; the rest of the official release is typed
# when present. Anything not listed here is tolerated, kept as text and recorded.
_USED = {
    "country": "text", "isocode": "text", "year": "integer", "currency": "text",
    "pop": "number", "emp": "number", "avh": "number", "hc": "number",
    "rgdpna": "number", "rkna": "number", "rnna": "number", "rtfpna": "number", "labsh": "number",
}
_OTHER_TEXT = ("i_cig", "i_xm", "i_xr", "i_outlier", "i_irr")
_OTHER_NUMBERS = (
    "rgdpe", "rgdpo", "ccon", "cda", "cgdpe", "cgdpo", "cn", "ck", "ctfp", "cwtfp", "rconna",
    "rdana", "rwtfpna", "irr", "delta", "xr", "pl_con", "pl_da", "pl_gdpo", "cor_exp", "statcap",
    "csh_c", "csh_i", "csh_g", "csh_x", "csh_m", "csh_r", "pl_c", "pl_i", "pl_g", "pl_x", "pl_m",
    "pl_n", "pl_k",
)

SCHEMA = TableSchema(
    source=SOURCE,
    key=("isocode", "year"),
    excel_sheet="Data",
    columns=(
        *(Column(name, kind) for name, kind in _USED.items()),
        *(Column(name, "text", required=False) for name in _OTHER_TEXT),
        *(Column(name, "number", required=False) for name in _OTHER_NUMBERS),
    ),
)

PWT = FileSource(
    name=SOURCE,
    title=TITLE,
    url=OFFICIAL_URL,
    mirror_path=MIRROR_PATH,
    schema=SCHEMA,
    citation="Feenstra, Inklaar and Timmer (2015), AER 105(10); www.ggdc.net/pwt",
    licence="CC BY 4.0",
)
