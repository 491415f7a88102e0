"""WDI as one source whether online (Indicators API v2) or from the mirror (two file layouts).

Every file, whatever its layout, parses into the same long table, so the warehouse knows a
series' origin only through the recorded ``layout`` and ``vintage`` columns.
"""

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import requests
from pydantic import BaseModel, Field

from ...indicator_systems import required_codes
from ...settings import DataSourceChoice
from ..errors import SourceUnavailableError
from ..fetch import from_mirror, require_mirror
from ..source import RawTable, Source, SourceFile
from . import api, files

NOTE = (
    "Online: Indicators API v2, every page checked. Offline: the mirror's long (datahub) or bulk (World Bank "
    "wide CSV) layout, the newer vintage when both exist. Licence CC BY 4.0."
)


class WdiOptions(BaseModel):
    api_base_url: str = Field(default=api.OFFICIAL_BASE_URL, description="Indicators API v2 base URL (online)")
    per_page: int = Field(default=1000, description="Rows per API page")
    date: str = Field(default="1960:2030", description="Years requested from the API, 'first:last'")


def locate_series(codes: list[str], mirror: Path) -> dict[str, files.MirrorFile]:
    """The mirror file of every series, or one error naming every series the mirror lacks."""
    located, missing = {}, []
    for code in codes:
        try:
            located[code] = files.locate(code, mirror)
        except SourceUnavailableError:
            missing.append(code)
    if missing:
        raise SourceUnavailableError(
            f"wdi: the indicator systems name series that no source provides: {', '.join(missing)} "
            f"(the mirror {mirror} has neither wdi/indicators/<code>/data.csv nor worldbank/API_<CODE>_DS2_*.csv for them)"
        )
    return located


class WorldDevelopmentIndicators(Source):
    name = "wdi"
    title = "World Bank World Development Indicators"
    citation = "World Bank, World Development Indicators (data.worldbank.org)"
    licence = "CC BY 4.0"
    official_url = api.OFFICIAL_BASE_URL
    Options = WdiOptions
    tables = (
        RawTable(
            asset="wdi_observations_raw",
            table="raw.wdi_observations",
            description="World Bank World Development Indicators named by the indicator-system seeds (and their "
            f"transforms' denominators), long. {NOTE}",
            long=True,
            preview_columns=("indicator_code", "economy_code", "year", "value", "layout", "vintage"),
            preview_order=("year",),
            unit_column="economy_code",
            year_column="year",
            value_column="value",
        ),
        RawTable(
            asset="wdi_economies_raw",
            table="raw.wdi_economies",
            description=f"The World Bank's country metadata (region, income group; aggregates have no region). {NOTE}",
            unit_column="economy_code",
        ),
    )

    def files(self, choice: DataSourceChoice, session: requests.Session, options: WdiOptions) -> Iterator[SourceFile]:
        codes = required_codes(self.name)
        if choice.online:
            settings = api.ApiSettings(base_url=options.api_base_url, per_page=options.per_page, date=options.date)
            yield SourceFile(
                "raw.wdi_economies", partial(api.download_economies, session, settings), api.parse_economies, "economies"
            )
            for code in codes:
                yield SourceFile(
                    "raw.wdi_observations",
                    partial(api.download_indicator, code, session, settings),
                    partial(api.parse_indicator, code=code),
                    code,
                )
            return
        mirror = require_mirror(self.name, choice)
        located = locate_series(codes, mirror)
        metadata = files.locate_metadata(mirror)

        def fetch(path: Path):
            return partial(from_mirror, self.name, choice, str(path.relative_to(mirror)))

        yield SourceFile(
            "raw.wdi_economies", fetch(metadata.path), partial(files.parse_metadata, vintage=metadata.vintage), "economies"
        )
        for code, found in located.items():
            if found.problem is not None:
                parse = partial(files.reject, problem=found.problem)
            elif found.layout == "long":
                parse = partial(files.parse_long, code=code, vintage=found.vintage)
            else:
                parse = partial(files.parse_bulk, code=code)
            yield SourceFile("raw.wdi_observations", fetch(found.path), parse, code)

    def mirror_files(self, mirror: Path) -> list[Path]:
        located = locate_series(required_codes(self.name), mirror)
        return [files.locate_metadata(mirror).path, *(found.path for found in located.values())]

    def summary(self, table: RawTable, frame) -> dict:
        if table.table == "raw.wdi_economies":
            return {
                "economies": int(frame["region"].notna().sum()),
                "aggregates": int(frame["region"].isna().sum()),
                "vintage": str(frame["vintage"].iat[0]) if len(frame) else "",
            }
        by_series = frame.groupby("indicator_code").agg(
            layout=("layout", "first"),
            vintage=("vintage", "first"),
            observations=("value", "size"),
            economies=("economy_code", "nunique"),
        )
        return {"indicators": len(by_series), "series": by_series.reset_index().to_markdown(index=False)}
