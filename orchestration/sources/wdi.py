"""One way to read WDI whether online (Indicators API v2) or from the mirror (two file layouts).

A reader hands out ``PendingFile``s: the fetched bytes and the parser that turns their
snapshot into the common long table, so the ingest asset treats every case alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import requests

from ..settings import DataSourceChoice
from . import worldbank, worldbank_api
from .errors import SourceUnavailableError
from .fetch import FetchedFile, from_mirror, require_mirror
from .worldbank import ParsedSeries


@dataclass(frozen=True)
class PendingFile:
    fetched: FetchedFile
    parse: Callable[[Path, str], ParsedSeries | pd.DataFrame]  # (snapshot path, origin shown in messages)


class MirrorReader:
    def __init__(self, choice: DataSourceChoice, codes: list[str]):
        self.choice = choice
        self.mirror = require_mirror("wdi", choice)
        located, missing = {}, []
        for code in codes:
            try:
                located[code] = worldbank.locate(code, self.mirror)
            except SourceUnavailableError:
                missing.append(code)
        if missing:
            raise SourceUnavailableError(
                f"wdi: the indicator systems name series that no source provides: {', '.join(missing)} "
                f"(the mirror {self.mirror} has neither wdi/indicators/<code>/data.csv nor worldbank/API_<CODE>_DS2_*.csv for them)"
            )
        self.located = located

    def _fetch(self, path: Path) -> FetchedFile:
        return from_mirror("wdi", self.choice, str(path.relative_to(self.mirror)))

    def economies(self) -> PendingFile:
        found = worldbank.locate_metadata(self.mirror)
        return PendingFile(self._fetch(found.path), lambda path, shown: worldbank.parse_metadata(path, shown, found.vintage))

    def indicator(self, code: str) -> PendingFile:
        found = self.located[code]
        if found.layout == "long":
            return PendingFile(self._fetch(found.path), lambda path, shown: worldbank.parse_long(path, code, shown, found.vintage))
        return PendingFile(self._fetch(found.path), lambda path, shown: worldbank.parse_bulk(path, code, shown))


class ApiReader:
    def __init__(self, session: requests.Session, settings: worldbank_api.ApiSettings):
        self.session, self.settings = session, settings

    def economies(self) -> PendingFile:
        return PendingFile(worldbank_api.download_economies(self.session, self.settings), worldbank_api.parse_economies)

    def indicator(self, code: str) -> PendingFile:
        fetched = worldbank_api.download_indicator(code, self.session, self.settings)
        return PendingFile(fetched, lambda path, shown: ParsedSeries(worldbank_api.parse_indicator(path, code, shown)))


def reader(choice: DataSourceChoice, codes: list[str], session: requests.Session,
           settings: worldbank_api.ApiSettings) -> MirrorReader | ApiReader:
    return ApiReader(session, settings) if choice.online else MirrorReader(choice, codes)


