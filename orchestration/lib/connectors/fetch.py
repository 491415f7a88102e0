"""Fetch a source file from its official URL or from the mirror folder.

HTTP retries (429 with Retry-After, 5xx, connection resets) are urllib3's ``Retry`` with
exponential backoff; Dagster's step retry policy sits on top for longer outages.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..settings import DATA_SOURCE_ENV, DEFAULT_MIRROR_DIR, DataSourceChoice
from .errors import SourceUnavailableError

RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class FetchedFile:
    """A file as retrieved: where it came from, where its bytes are now, and when."""

    source: str
    origin: str  # URL or mirror path, as recorded in the manifest
    path: Path
    retrieved_at: datetime
    temporary: bool  # downloaded to a temp file that the caller should remove


def http_session(retries: int = 5, backoff_factor: float = 1.0) -> requests.Session:
    retry = Retry(
        total=retries,
        # a refused connection or an unknown host rarely heals within seconds; 429 and 5xx do
        connect=min(retries, 2),
        backoff_factor=backoff_factor,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = "nqpf-pipeline/0.1 (open data pipeline; python-requests)"
    return session


def url_suffix(url: str) -> str:
    return Path(urlparse(url).path).suffix.lower()


def download(source: str, url: str, session: requests.Session, timeout: tuple[float, float] = (10, 300)) -> FetchedFile:
    """Stream ``url`` into a temporary file; fail with a message that says what to do."""
    retrieved_at = datetime.now(UTC)
    fd, tmp_name = tempfile.mkstemp(prefix=f"nqpf-{source}-", suffix=url_suffix(url))
    try:
        with os.fdopen(fd, "wb") as out, session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                retried = " after retries" if response.status_code in RETRY_STATUSES else ""
                raise SourceUnavailableError(f"{source}: {url} answered HTTP {response.status_code} {response.reason}{retried}")
            for chunk in response.iter_content(chunk_size=1 << 20):
                out.write(chunk)
            expected = response.headers.get("Content-Length")
            if expected is not None and out.tell() != int(expected):
                raise SourceUnavailableError(
                    f"{source}: {url} sent {out.tell()} bytes but announced {expected} (truncated download)"
                )
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
        os.unlink(tmp_name)
        raise SourceUnavailableError(f"{source}: the download from {url} was cut short ({exc})") from exc
    except requests.RequestException as exc:
        os.unlink(tmp_name)
        raise SourceUnavailableError(
            f"{source}: cannot reach {url} ({type(exc).__name__}). This machine may be offline: "
            f"set {DATA_SOURCE_ENV} to a mirror folder (for example ../shared/data) to run from the mirror."
        ) from exc
    except BaseException:
        os.unlink(tmp_name)
        raise
    return FetchedFile(source, url, Path(tmp_name), retrieved_at, temporary=True)


def require_mirror(source: str, choice: DataSourceChoice) -> Path:
    assert choice.mirror_dir is not None
    if not choice.mirror_dir.is_dir():
        raise SourceUnavailableError(
            f"{source}: mirror folder {choice.mirror_dir} does not exist "
            f"({DATA_SOURCE_ENV}={choice.setting!r}). Point {DATA_SOURCE_ENV} at the mirror "
            f"folder, or set it to 'online' on a connected machine."
        )
    return choice.mirror_dir


def from_mirror(source: str, choice: DataSourceChoice, relative_path: str) -> FetchedFile:
    path = require_mirror(source, choice) / relative_path
    if not path.is_file():
        raise SourceUnavailableError(f"{source}: the mirror has no file {path} (expected layout: <mirror>/{relative_path})")
    return FetchedFile(source, str(path), path, datetime.now(UTC), temporary=False)


def retrieve(source: str, url: str, mirror_path: str, choice: DataSourceChoice, session: requests.Session) -> FetchedFile:
    """Fetch from wherever ``NQPF_DATA_SOURCE`` points; never falls back silently to the other."""
    if not choice.online:
        return from_mirror(source, choice, mirror_path)
    try:
        return download(source, url, session)
    except SourceUnavailableError as exc:
        if choice.setting == "auto":
            raise SourceUnavailableError(
                f"{exc} ({DATA_SOURCE_ENV} is 'auto' and there is no mirror folder at {DEFAULT_MIRROR_DIR} either)"
            ) from exc.__cause__
        raise
