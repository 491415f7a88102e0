"""The World Bank Indicators API v2, paged and checked, never returning a partial series.

``GET {base}/country/all/indicator/{CODE}?format=json&per_page=N&date=A:B&page=P`` answers
``[meta, rows]`` with ``page``, ``pages``, ``per_page``, ``total`` and ``lastupdated``.
Every page is fetched and checked against the first page's totals; a series is returned
only when the rows add up to ``total``. HTTP 429 (honouring Retry-After), 5xx and
connection errors are retried by the session (urllib3); a timeout or a body that is not
complete JSON is retried here with exponential backoff (tenacity).
"""

from __future__ import annotations

import json
import math
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential
from urllib3.exceptions import ReadTimeoutError

from ...value_ranges import series_range
from ..errors import SourceSchemaError, SourceUnavailableError
from ..fetch import RETRY_STATUSES, FetchedFile
from ..tables import ParsedTable
from .files import ECONOMY_COLUMNS, OBSERVATION_COLUMNS, SOURCE

if TYPE_CHECKING:  # pandas loads on first use, not with the code location
    pass

OFFICIAL_BASE_URL = "https://api.worldbank.org/v2"


class _RetryablePageError(Exception):
    """A page that may come right on a second try (timeout, cut-off body)."""


@dataclass(frozen=True)
class ApiSettings:
    base_url: str = OFFICIAL_BASE_URL
    per_page: int = 1000
    date: str = "1960:2030"
    timeout: float = 60.0
    page_attempts: int = 4
    backoff_seconds: float = 1.0


def fetch_pages(path: str, params: dict[str, Any], session: requests.Session, settings: ApiSettings) -> list[Any]:
    """All pages of one API listing, checked for completeness; raises if anything is missing."""
    url = f"{settings.base_url.rstrip('/')}/{path.lstrip('/')}"
    query = {"format": "json", "per_page": settings.per_page, **params}
    first = _page(url, {**query, "page": 1}, session, settings)
    meta = first[0]
    pages, total = int(meta["pages"]), int(meta["total"])
    payloads = [first]
    for number in range(2, pages + 1):
        payload = _page(url, {**query, "page": number}, session, settings)
        announced = payload[0]
        if int(announced["page"]) != number or int(announced["pages"]) != pages or int(announced["total"]) != total:
            raise SourceUnavailableError(
                f"{SOURCE}: {url} page {number} announces page {announced['page']} of {announced['pages']} "
                f"with {announced['total']} rows, but page 1 announced {pages} pages and {total} rows: the listing "
                "changed while it was read; nothing was landed"
            )
        payloads.append(payload)
    received = sum(len(p[1] or []) for p in payloads)
    if received != total:
        raise SourceUnavailableError(
            f"{SOURCE}: {url} announced {total} rows in {pages} pages but sent {received}: "
            "the series is incomplete; nothing was landed"
        )
    return payloads


def _page(url: str, params: dict[str, Any], session: requests.Session, settings: ApiSettings) -> list[Any]:
    @retry(
        retry=retry_if_exception_type(_RetryablePageError),
        stop=stop_after_attempt(settings.page_attempts),
        wait=wait_exponential(multiplier=settings.backoff_seconds, max=60),
        reraise=True,
    )
    def attempt() -> list[Any]:
        try:
            response = session.get(url, params=params, timeout=settings.timeout)
        except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise _RetryablePageError(f"{type(exc).__name__}: {exc}") from exc
        except requests.ConnectionError as exc:
            if not _timed_out(exc):
                raise
            raise _RetryablePageError(f"no answer within {settings.timeout} s") from exc
        if response.status_code != 200:
            retried = " after retries" if response.status_code in RETRY_STATUSES else ""
            raise SourceUnavailableError(
                f"{SOURCE}: {response.url} answered HTTP {response.status_code} {response.reason}{retried}: "
                f"page {params['page']} of the listing is missing; nothing was landed"
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise _RetryablePageError(f"page {params['page']} is not complete JSON ({exc})") from exc
        if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "message" in payload[0]:
            messages = "; ".join(f"{m.get('key')}: {m.get('value')}" for m in payload[0]["message"])
            raise SourceUnavailableError(f"{SOURCE}: {response.url} refused the request: {messages}")
        if not (
            isinstance(payload, list)
            and len(payload) == 2
            and isinstance(payload[0], dict)
            and {"page", "pages", "total"} <= payload[0].keys()
        ):
            raise _RetryablePageError(f"page {params['page']} is not [meta, rows] as the API v2 sends")
        return payload

    try:
        return attempt()
    except _RetryablePageError as exc:
        raise SourceUnavailableError(
            f"{SOURCE}: {url} page {params['page']} failed {settings.page_attempts} times ({exc}); nothing was landed"
        ) from exc
    except requests.RequestException as exc:
        raise SourceUnavailableError(
            f"{SOURCE}: cannot reach {url} ({type(exc).__name__}). This machine may be offline: set NQPF_DATA_SOURCE "
            "to a mirror folder (for example ../shared/data) to run from the mirror."
        ) from exc


def _timed_out(exc: requests.ConnectionError) -> bool:
    """requests reports a read timeout that outlasted urllib3's own retries as a ConnectionError."""
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    return isinstance(reason, ReadTimeoutError)


def download_indicator(code: str, session: requests.Session, settings: ApiSettings) -> FetchedFile:
    """Every page of one indicator, saved as one JSON file (the snapshot of this pull)."""
    path = f"country/all/indicator/{code}"
    return _save(code, path, fetch_pages(path, {"date": settings.date}, session, settings), settings)


def download_economies(session: requests.Session, settings: ApiSettings) -> FetchedFile:
    return _save("economies", "country", fetch_pages("country", {}, session, settings), settings)


def _save(name: str, path: str, payloads: list[Any], settings: ApiSettings) -> FetchedFile:
    retrieved_at = datetime.now(UTC)
    handle = tempfile.NamedTemporaryFile("w", prefix=f"nqpf-wdi-{name}-", suffix=".json", delete=False, encoding="utf-8")
    with handle:  # json.dumps encodes in C; json.dump streams through the pure-Python encoder (20x slower)
        handle.write(json.dumps(payloads, sort_keys=True))
    origin = f"{settings.base_url.rstrip('/')}/{path}"
    return FetchedFile(SOURCE, origin, Path(handle.name), retrieved_at, temporary=True)


def parse_indicator(path: Path, shown: str, code: str) -> ParsedTable:
    """The saved pages as the same long table the file layouts give."""
    import pandas as pd

    payloads = json.loads(path.read_text(encoding="utf-8"))
    low, high = series_range(SOURCE, code)
    records = []
    for page_number, (meta, rows) in enumerate(payloads, start=1):
        for position, row in enumerate(rows or [], start=1):
            if row["indicator"]["id"] != code:
                raise SourceSchemaError(
                    SOURCE,
                    shown,
                    f"holds indicator {row['indicator']['id']!r}, expected {code!r}",
                    column="indicator.id",
                    row=f"page {page_number} row {position}",
                )
            try:
                year = int(row["date"])
            except (TypeError, ValueError):
                raise SourceSchemaError(
                    SOURCE, shown, f"non-integer year {row['date']!r}", column="date", row=f"page {page_number} row {position}"
                ) from None
            value = row["value"]
            where = f"page {page_number} row {position}"
            if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)):
                raise SourceSchemaError(SOURCE, shown, f"non-numeric value {value!r}", column="value", row=where)
            if value is not None and not math.isfinite(value):
                raise SourceSchemaError(SOURCE, shown, f"non-finite value {value!r}", column="value", row=where)
            if value is not None and not low <= value <= high:
                raise SourceSchemaError(
                    SOURCE, shown, f"value {value!r} outside the valid range [{low:g}, {high:g}]", column="value", row=where
                )
            records.append(
                {
                    "indicator_code": code,
                    "economy_code": row.get("countryiso3code") or row["country"]["id"],
                    "economy_name": row["country"]["value"],
                    "year": year,
                    "value": None if value is None else float(value),
                    "layout": "api",
                    "vintage": meta.get("lastupdated"),
                    "source_file": f"{shown}?page={page_number}",
                    "source_line": position,
                }
            )
    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    repeated = frame.duplicated(["economy_code", "year"], keep="first")
    if repeated.any():
        first = frame[repeated].iloc[0]
        raise SourceSchemaError(
            SOURCE,
            shown,
            f"duplicated key (economy_code={first.economy_code}, year={first.year})",
            column="countryiso3code, date",
            row=f"{first.source_file} row {first.source_line}",
        )
    return ParsedTable(frame.astype({"year": "Int64", "value": "float64", "source_line": "Int64"}))


def parse_economies(path: Path, shown: str) -> ParsedTable:
    """Country list: the API marks aggregates with the region "Aggregates"; they get no region."""
    import pandas as pd

    payloads = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for meta, rows in payloads:
        for row in rows or []:
            region = (row.get("region") or {}).get("value")
            income = (row.get("incomeLevel") or {}).get("value")
            is_aggregate = region == "Aggregates"
            records.append(
                {
                    "economy_code": row["id"],
                    "economy_name": row["name"],
                    "region": None if is_aggregate or not region else region.strip(),
                    "income_group": None
                    if is_aggregate or income in (None, "", "Not classified", "Aggregates")
                    else income.strip(),
                    "vintage": meta.get("lastupdated"),
                    "source_file": shown,
                }
            )
    return ParsedTable(pd.DataFrame.from_records(records, columns=ECONOMY_COLUMNS))
