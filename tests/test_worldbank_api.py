"""The World Bank Indicators API v2 client against a real HTTP server on 127.0.0.1.

The server answers in the official format (``[meta, rows]`` pages) with series built here
from the mirror's files by plain pandas, and plays the faults the issue names: HTTP 500, 429
with Retry-After, a timeout, truncated JSON, a missing page, a ``total`` that disagrees with
the rows, an API error message.
"""

import json
import math

import duckdb
import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from orchestration.defs.resources import DataSourceResource
from orchestration.lib.connectors.errors import SourceUnavailableError
from orchestration.lib.connectors.fetch import http_session
from orchestration.lib.connectors.wdi.api import ApiSettings, fetch_pages, parse_indicator
from orchestration.lib.connectors.wdi.api import download_indicator as download
from orchestration.lib.indicator_systems import required_codes

from .conftest import MIRROR, pull_resources
from .http_server import Answer, ScriptedServer

RD = "GB.XPD.RSDV.GD.ZS"  # R&D expenditure, % of GDP: 3,198 rows in the mirror's long layout
LAST_UPDATED = "2026-02-24"


def mirror_series(code: str) -> pd.DataFrame:
    """One series from the mirror as plain pandas reads it: economy_code, economy_name, year, value."""
    long_file = MIRROR / "wdi" / "indicators" / code.lower() / "data.csv"
    if long_file.is_file():
        frame = pd.read_csv(long_file)
        return frame.rename(
            columns={"Country Code": "economy_code", "Country Name": "economy_name", "Year": "year", "Value": "value"}
        )
    (bulk_file,) = (MIRROR / "worldbank").glob(f"API_{code}_DS2_*.csv")
    lines = bulk_file.read_text(encoding="utf-8-sig").splitlines()
    preamble = next(n for n, line in enumerate(lines) if line.strip('"').startswith("Country Name"))  # 4 lines, or none
    wide = pd.read_csv(bulk_file, skiprows=preamble, encoding="utf-8-sig").drop(columns=["Indicator Name", "Indicator Code"])
    wide = wide.loc[:, ~wide.columns.str.startswith("Unnamed")]
    long = wide.melt(id_vars=["Country Name", "Country Code"], var_name="year", value_name="value")
    long = long.rename(columns={"Country Code": "economy_code", "Country Name": "economy_name"})
    return long.astype({"year": int})


def api_pages(code: str, series: pd.DataFrame, per_page: int) -> list[bytes]:
    """The series as the API sends it: pages of ``[meta, rows]`` JSON."""
    rows = [
        {
            "indicator": {"id": code, "value": code},
            "country": {"id": r.economy_code[:2], "value": r.economy_name},
            "countryiso3code": r.economy_code,
            "date": str(r.year),
            "value": None if pd.isna(r.value) else float(r.value),
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        }
        for r in series.itertuples()
    ]
    return listing_pages(rows, per_page)


def listing_pages(rows: list[dict], per_page: int, total: int | None = None) -> list[bytes]:
    pages = max(1, math.ceil(len(rows) / per_page))
    return [
        json.dumps(
            [
                {
                    "page": n,
                    "pages": pages,
                    "per_page": per_page,
                    "total": len(rows) if total is None else total,
                    "sourceid": "2",
                    "lastupdated": LAST_UPDATED,
                },
                rows[(n - 1) * per_page : n * per_page],
            ]
        ).encode()
        for n in range(1, pages + 1)
    ]


def economy_pages(per_page: int) -> list[bytes]:
    """The country listing from the mirror's newest World Bank metadata; aggregates have region "Aggregates"."""
    (metadata,) = (MIRROR / "worldbank").glob("Metadata_Country_API_BX*.csv")
    frame = pd.read_csv(metadata, keep_default_na=False)
    rows = [
        {
            "id": r["Country Code"],
            "iso2Code": r["Country Code"][:2],
            "name": r["TableName"],
            "region": {"id": "NA", "value": "Aggregates"} if not r["Region"] else {"id": "XX", "value": r["Region"] + " "},
            "incomeLevel": {"id": "NA", "value": "Aggregates"} if not r["Region"] else {"id": "XX", "value": r["IncomeGroup"]},
        }
        for _, r in frame.iterrows()
    ]
    return listing_pages(rows, per_page)


def serve(server: ScriptedServer, path: str, pages: list[bytes], **faults: list[Answer]) -> None:
    """Script every page of a listing; ``faults={"page2": [...]}`` puts answers before the good one."""
    for number, body in enumerate(pages, start=1):
        server.script(f"{path}?page={number}", *faults.get(f"page{number}", []), Answer(body=body))


@pytest.fixture
def server():
    with ScriptedServer() as running:
        yield running


@pytest.fixture(scope="module")
def rd_series() -> pd.DataFrame:
    return mirror_series(RD)


def settings_for(server: ScriptedServer, **overrides) -> ApiSettings:
    return ApiSettings(
        **{"base_url": server.base_url + "/v2", "per_page": 500, "timeout": 5.0, "backoff_seconds": 0.01, **overrides}
    )


FAST = http_session(retries=3, backoff_factor=0.01)
INDICATOR_PATH = f"/v2/country/all/indicator/{RD}"


def landed(fetched, code: str = RD) -> pd.DataFrame:
    try:
        return parse_indicator(fetched.path, fetched.origin, code).frame
    finally:
        fetched.path.unlink()


def test_every_page_is_read_and_equals_the_mirror(server, rd_series):
    serve(server, INDICATOR_PATH, api_pages(RD, rd_series, 500))
    frame = landed(download(RD, FAST, settings_for(server)))
    assert len(rd_series) == 3198 and len(server.hits(INDICATOR_PATH)) == 7  # ceil(3198 / 500) pages
    assert list(frame["source_file"].unique()) == [
        f"{server.base_url}/v2/country/all/indicator/{RD}?page={n}" for n in range(1, 8)
    ]
    expected = rd_series.sort_values(["economy_code", "year"]).reset_index(drop=True)
    ours = frame.sort_values(["economy_code", "year"]).reset_index(drop=True)
    assert ours["economy_code"].tolist() == expected["economy_code"].tolist()
    assert ours["year"].tolist() == expected["year"].tolist()
    assert ours["value"].to_numpy() == pytest.approx(expected["value"].to_numpy(), rel=0, abs=0)
    assert set(ours["vintage"]) == {LAST_UPDATED} and set(ours["layout"]) == {"api"}
    query = server.requests[0][1]
    assert "format=json" in query and "per_page=500" in query and "date=1960%3A2030" in query


def test_server_errors_are_retried(server, rd_series):
    serve(server, INDICATOR_PATH, api_pages(RD, rd_series, 500), page3=[Answer(500), Answer(503)])
    frame = landed(download(RD, FAST, settings_for(server)))
    assert len(frame) == 3198
    assert len(server.hits(f"{INDICATOR_PATH}?page=3")) == 3


def test_429_waits_as_long_as_retry_after_says(server, rd_series):
    serve(server, INDICATOR_PATH, api_pages(RD, rd_series, 500), page2=[Answer(429, headers={"Retry-After": "1"})])
    assert len(landed(download(RD, FAST, settings_for(server)))) == 3198
    first, second = server.hits(f"{INDICATOR_PATH}?page=2")
    assert second - first >= 1.0


def test_a_timeout_is_retried(server, rd_series):
    pages = api_pages(RD, rd_series, 500)
    serve(server, INDICATOR_PATH, pages, page4=[Answer(body=pages[3], delay=1.5)])
    frame = landed(download(RD, http_session(retries=0), settings_for(server, timeout=0.5)))
    assert len(frame) == 3198
    assert len(server.hits(f"{INDICATOR_PATH}?page=4")) == 2


def test_truncated_json_is_retried(server, rd_series):
    pages = api_pages(RD, rd_series, 500)
    cut_connection = Answer(body=pages[1], truncate_to=2000)  # announces the whole body, sends 2,000 bytes
    cut_body = Answer(body=pages[1][:2000])  # a complete response whose JSON stops mid-way
    serve(server, INDICATOR_PATH, pages, page2=[cut_connection, cut_body])
    assert len(landed(download(RD, http_session(retries=0), settings_for(server)))) == 3198
    assert len(server.hits(f"{INDICATOR_PATH}?page=2")) == 3


def test_a_page_that_stays_truncated_fails_clearly(server, rd_series):
    pages = api_pages(RD, rd_series, 500)
    serve(server, INDICATOR_PATH, pages, page2=[Answer(body=pages[1][:2000])] * 5)
    url = f"{server.base_url}/v2/country/all/indicator/{RD}"
    with pytest.raises(json.JSONDecodeError) as decoding:
        json.loads(pages[1][:2000])
    with pytest.raises(SourceUnavailableError) as error:
        download(RD, FAST, settings_for(server, page_attempts=3))
    assert str(error.value) == (
        f"wdi: {url} page 2 failed 3 times (page 2 is not complete JSON ({decoding.value})); nothing was landed"
    )
    assert len(server.hits(f"{INDICATOR_PATH}?page=2")) == 3


def test_a_missing_page_fails_clearly(server, rd_series):
    pages = api_pages(RD, rd_series, 500)
    serve(server, INDICATOR_PATH, pages[:5] + pages[6:])  # page 6 answers 404
    del server.scripts[f"{INDICATOR_PATH}?page=6"]
    with pytest.raises(SourceUnavailableError) as error:
        download(RD, FAST, settings_for(server))
    assert str(error.value) == (
        f"wdi: {server.base_url}{INDICATOR_PATH}?format=json&per_page=500&date=1960%3A2030&page=6 answered "
        "HTTP 404 Not Found: page 6 of the listing is missing; nothing was landed"
    )


def test_a_persistent_server_error_fails_after_retries(server, rd_series):
    serve(server, INDICATOR_PATH, api_pages(RD, rd_series, 500), page7=[Answer(502)] * 10)
    with pytest.raises(
        SourceUnavailableError, match=r"answered HTTP 502 Bad Gateway after retries: page 7 of the listing is missing"
    ):
        download(RD, FAST, settings_for(server))
    assert len(server.hits(f"{INDICATOR_PATH}?page=7")) == 4  # the first try and three retries


def test_a_total_that_disagrees_with_the_rows_fails(server, rd_series):
    rows = json.loads(api_pages(RD, rd_series, 5000)[0])[1]
    serve(server, INDICATOR_PATH, listing_pages(rows[:-1], 500, total=len(rows)))  # the last row never comes
    url = f"{server.base_url}{INDICATOR_PATH}"
    with pytest.raises(SourceUnavailableError) as error:
        download(RD, FAST, settings_for(server))
    assert str(error.value) == (
        f"wdi: {url} announced 3198 rows in 7 pages but sent 3197: the series is incomplete; nothing was landed"
    )


def test_a_listing_that_changes_between_pages_fails(server, rd_series):
    pages = api_pages(RD, rd_series, 500)
    grown = json.loads(pages[2])
    grown[0].update(pages=8, total=3600)
    serve(server, INDICATOR_PATH, [*pages[:2], json.dumps(grown).encode(), *pages[3:]])
    with pytest.raises(SourceUnavailableError) as error:
        download(RD, FAST, settings_for(server))
    assert str(error.value) == (
        f"wdi: {server.base_url}{INDICATOR_PATH} page 3 announces page 3 of 8 with 3600 rows, but page 1 announced "
        "7 pages and 3198 rows: the listing changed while it was read; nothing was landed"
    )


def test_an_api_error_message_is_passed_on(server):
    refusal = [{"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}]
    server.script("/v2/country/all/indicator/NO.SUCH.CODE?page=1", Answer(body=json.dumps(refusal).encode()))
    with pytest.raises(SourceUnavailableError) as error:
        fetch_pages("country/all/indicator/NO.SUCH.CODE", {}, FAST, settings_for(server))
    assert str(error.value).endswith("refused the request: Invalid value: The provided parameter value is not valid")
    assert str(error.value).startswith(f"wdi: {server.base_url}/v2/country/all/indicator/NO.SUCH.CODE?format=json")


# ---------------------------------------------------------------- the ingest asset, online


@pytest.fixture(scope="module")
def official_series() -> dict[str, pd.DataFrame]:
    """Every series the systems need, as the API would answer a request for 2010 onwards (date=2010:2030)."""
    return {code: mirror_series(code).query("year >= 2010").reset_index(drop=True) for code in required_codes("wdi")}


def serve_everything(server: ScriptedServer, series: dict[str, pd.DataFrame]) -> None:
    serve(server, "/v2/country", economy_pages(100))
    for code, frame in series.items():
        serve(server, f"/v2/country/all/indicator/{code}", api_pages(code, frame, 5000))


def materialize_wdi(server: ScriptedServer, data_dir, step_retries: int = 0):
    from orchestration.defs.ingest.assets import ingest_assets_by_source

    wdi_raw = ingest_assets_by_source["wdi"]

    return materialize(
        [wdi_raw],
        resources=pull_resources(
            data_dir,
            DataSourceResource(setting="online", backoff_factor=0.01, step_retries=step_retries, step_retry_delay_s=0.1),
        ),
        run_config={"ops": {"wdi_raw": {"config": {"api_base_url": server.base_url + "/v2", "per_page": 5000}}}},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def warehouse_state(data_dir) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(data_dir / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        return {
            table: con.execute(f"select * from raw.{table} order by all").df()
            for table in ("wdi_observations", "wdi_economies", "source_snapshots")
        }


def test_online_ingest_lands_every_series_and_nothing_partial_on_failure(server, official_series, tmp_path):
    serve_everything(server, official_series)
    result = materialize_wdi(server, tmp_path)
    assert result.success
    before = warehouse_state(tmp_path)

    observations = before["wdi_observations"]
    expected = pd.concat([f.assign(indicator_code=c) for c, f in official_series.items()]).dropna(subset=["value"])
    merged = observations.merge(
        expected,
        on=["indicator_code", "economy_code", "year"],
        suffixes=("", "_mirror"),
        how="outer",
        validate="1:1",
        indicator=True,
    )
    assert (merged["_merge"] == "both").all() and len(merged) == len(expected)
    assert (merged["value"] == merged["value_mirror"]).all()
    assert set(observations["layout"]) == {"api"}
    economies = before["wdi_economies"].set_index("economy_code")
    assert (
        economies.loc["CHN", "region"] == "East Asia & Pacific" and economies.loc["CHN", "income_group"] == "Upper middle income"
    )
    assert pd.isna(economies.loc["WLD", "region"]) and pd.isna(economies.loc["WLD", "income_group"])
    snapshots = before["source_snapshots"]
    assert len(snapshots) == len(official_series) + 1
    assert set(snapshots["origin"]) == {f"{server.base_url}/v2/country"} | {
        f"{server.base_url}/v2/country/all/indicator/{c}" for c in official_series
    }

    # The same pull again, except that the last series' only page now fails for good.
    last = list(official_series)[-1]
    server.script(f"/v2/country/all/indicator/{last}?page=1", Answer(503))
    failed = materialize_wdi(server, tmp_path)
    assert not failed.success
    failure = next(e for e in failed.all_events if e.is_step_failure).event_specific_data.error
    assert f"/v2/country/all/indicator/{last}?format=json&per_page=5000" in failure.message
    assert (
        "answered HTTP 503 Service Unavailable after retries: page 1 of the listing is missing; nothing was landed"
        in failure.message
    )
    after = warehouse_state(tmp_path)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(after[table], frame, obj=table)


def test_an_outage_longer_than_the_http_retries_is_retried_as_a_step(server, official_series, tmp_path):
    serve_everything(server, official_series)
    first = list(official_series)[0]
    outage = [Answer(503)] * 6  # the first try and five HTTP retries all fail
    serve(server, f"/v2/country/all/indicator/{first}", api_pages(first, official_series[first], 5000), page1=outage)
    result = materialize_wdi(server, tmp_path, step_retries=1)
    assert result.success
    assert [e.event_type_value for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"] == ["STEP_UP_FOR_RETRY"]
    assert len(server.hits(f"/v2/country/all/indicator/{first}?page=1")) == 7
    assert len(warehouse_state(tmp_path)["source_snapshots"]) == len(official_series) + 1
