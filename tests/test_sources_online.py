"""Fetching: a real HTTP server on 127.0.0.1 for the online path, temp folders for the mirror."""

import io
import socket

import duckdb
import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from orchestration.defs.resources import DataSourceResource
from orchestration.lib.connectors.errors import SourceUnavailableError
from orchestration.lib.connectors.fetch import download, from_mirror, http_session, retrieve
from orchestration.lib.settings import DEFAULT_MIRROR_DIR, resolve_data_source

from .conftest import PWT_MIRROR_FILE, pull_resources
from .http_server import Answer, ScriptedServer

FAST = http_session(retries=3, backoff_factor=0.01)


@pytest.fixture
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture(scope="module")
def pwt_xlsx_bytes() -> bytes:
    """The first 150 rows of the mirror as an official-style workbook (sheet "Data")."""
    frame = pd.read_csv(PWT_MIRROR_FILE, nrows=150)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        frame.to_excel(writer, sheet_name="Data", index=False)
    return buffer.getvalue()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/pwt1001.xlsx"


def test_download_keeps_the_exact_bytes(server, pwt_xlsx_bytes):
    url = server.script("/pwt1001.xlsx", Answer(body=pwt_xlsx_bytes))
    fetched = download("pwt", url, FAST)
    assert fetched.path.read_bytes() == pwt_xlsx_bytes
    assert fetched.path.suffix == ".xlsx" and fetched.temporary and fetched.origin == url
    fetched.path.unlink()


def test_server_errors_are_retried_with_backoff(server, pwt_xlsx_bytes):
    url = server.script("/pwt1001.xlsx", Answer(503), Answer(500), Answer(body=pwt_xlsx_bytes))
    fetched = download("pwt", url, FAST)
    assert fetched.path.read_bytes() == pwt_xlsx_bytes
    assert len(server.hits("/pwt1001.xlsx")) == 3
    fetched.path.unlink()


def test_429_waits_for_retry_after(server, pwt_xlsx_bytes):
    url = server.script("/pwt1001.xlsx", Answer(429, headers={"Retry-After": "1"}), Answer(body=pwt_xlsx_bytes))
    download("pwt", url, FAST).path.unlink()
    first, second = server.hits("/pwt1001.xlsx")
    assert second - first >= 1.0


def test_persistent_server_error_fails_clearly(server):
    url = server.script("/pwt1001.xlsx", Answer(503))
    with pytest.raises(SourceUnavailableError) as error:
        download("pwt", url, FAST)
    assert str(error.value) == f"pwt: {url} answered HTTP 503 Service Unavailable after retries"
    assert len(server.hits("/pwt1001.xlsx")) == 4  # the first try and three retries


def test_missing_file_is_not_retried(server):
    url = server.base_url + "/pwt1002.xlsx"
    with pytest.raises(SourceUnavailableError) as error:
        download("pwt", url, FAST)
    assert str(error.value) == f"pwt: {url} answered HTTP 404 Not Found"
    assert len(server.hits("/pwt1002.xlsx")) == 1


def test_truncated_download_fails_and_leaves_no_file(server, pwt_xlsx_bytes, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    url = server.script("/pwt1001.xlsx", Answer(body=pwt_xlsx_bytes, truncate_to=1000))
    with pytest.raises(SourceUnavailableError, match=rf"^pwt: the download from {url} was cut short"):
        download("pwt", url, http_session(retries=0))
    assert list(tmp_path.iterdir()) == []


def test_timeout_is_retried_then_reported(server, pwt_xlsx_bytes):
    url = server.script("/pwt1001.xlsx", Answer(delay=2, body=pwt_xlsx_bytes), Answer(body=pwt_xlsx_bytes))
    session = http_session(retries=2, backoff_factor=0.01)
    fetched = download("pwt", url, session, timeout=(2, 0.5))
    assert fetched.path.read_bytes() == pwt_xlsx_bytes
    fetched.path.unlink()


def test_unreachable_endpoint_says_how_to_run_offline():
    url = closed_port_url()
    with pytest.raises(SourceUnavailableError) as error:
        download("pwt", url, http_session(retries=1, backoff_factor=0.01))
    assert str(error.value) == (
        f"pwt: cannot reach {url} (ConnectionError). This machine may be offline: set NQPF_DATA_SOURCE "
        "to a mirror folder (for example ../shared/data) to run from the mirror."
    )


def test_data_source_setting():
    assert resolve_data_source("online").online
    assert resolve_data_source("/srv/mirror").mirror_dir.as_posix() == "/srv/mirror"
    auto = resolve_data_source("auto")  # here the mirror exists beside the project
    assert (auto.mode, auto.mirror_dir) == ("mirror", DEFAULT_MIRROR_DIR)


def test_missing_mirror_folder_and_file(tmp_path):
    with pytest.raises(SourceUnavailableError) as error:
        from_mirror("pwt", resolve_data_source(str(tmp_path / "nowhere")), "pwt/pwt1001.csv")
    assert str(error.value) == (
        f"pwt: mirror folder {tmp_path / 'nowhere'} does not exist (NQPF_DATA_SOURCE={str(tmp_path / 'nowhere')!r}). "
        "Point NQPF_DATA_SOURCE at the mirror folder, or set it to 'online' on a connected machine."
    )
    with pytest.raises(SourceUnavailableError) as error:
        retrieve("pwt", "unused", "pwt/pwt1001.csv", resolve_data_source(str(tmp_path)), FAST)
    assert str(error.value) == (
        f"pwt: the mirror has no file {tmp_path / 'pwt' / 'pwt1001.csv'} (expected layout: <mirror>/pwt/pwt1001.csv)"
    )


def test_online_ingest_lands_the_official_workbook(server, pwt_xlsx_bytes, tmp_path):
    from orchestration.defs.ingest.assets import ingest_assets_by_source

    pwt_raw = ingest_assets_by_source["pwt"]

    url = server.script("/pwt1001.xlsx", Answer(body=pwt_xlsx_bytes))
    result = materialize(
        [pwt_raw],
        resources=pull_resources(tmp_path, DataSourceResource(setting="online", backoff_factor=0.01)),
        run_config={"ops": {"pwt_raw": {"config": {"url": url}}}},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    metadata = result.asset_materializations_for_node("pwt_raw")[0].metadata
    assert metadata["data_source"].value == "online" and f"| raw.pwt | {url} |" in metadata["pulls"].value
    snapshots = list((tmp_path / "landing" / "pwt").iterdir())
    assert [p.suffix for p in snapshots] == [".xlsx"] and snapshots[0].read_bytes() == pwt_xlsx_bytes
    with duckdb.connect(str(tmp_path / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        landed = con.execute("select economy_code, year, rgdpna from raw.pwt order by economy_code, year").df()
    expected = pd.read_csv(PWT_MIRROR_FILE, nrows=150).sort_values(["isocode", "year"])
    assert len(landed) == 150
    assert landed["rgdpna"].to_numpy() == pytest.approx(expected["rgdpna"].to_numpy(), rel=1e-15, nan_ok=True)


def test_auto_without_a_mirror_says_neither_place_delivered():
    from orchestration.lib.settings import DataSourceChoice

    url = closed_port_url()
    with pytest.raises(SourceUnavailableError) as error:
        retrieve(
            "pwt", url, "pwt/pwt1001.csv", DataSourceChoice("online", None, "auto"), http_session(retries=1, backoff_factor=0.01)
        )
    assert str(error.value).startswith(f"pwt: cannot reach {url} (ConnectionError).")
    assert str(error.value).endswith(f"(NQPF_DATA_SOURCE is 'auto' and there is no mirror folder at {DEFAULT_MIRROR_DIR} either)")
