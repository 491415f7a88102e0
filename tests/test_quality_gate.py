"""Blocking checks gate publication: bad data never reaches analysts, the last good publication stays."""

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from orchestration.defs.automation.run_reports import error_text, failure_summary
from orchestration.lib.connectors import statistical

from .conftest import MIRROR, PWT_MIRROR_FILE, run_full_refresh


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def mirror_with(folder: Path, edit) -> Path:
    """A mirror folder whose PWT file is the real one with one edit applied; the other
    sources are links to the real mirror's folders."""
    frame = pd.read_csv(PWT_MIRROR_FILE)
    edit(frame)
    (folder / "pwt").mkdir(parents=True)
    frame.to_csv(folder / "pwt" / "pwt1001.csv", index=False)
    for other in MIRROR.iterdir():
        if other.is_dir() and other.name != "pwt":
            (folder / other.name).symlink_to(other)
    return folder


def mirror_with_text(folder: Path, edit) -> Path:
    """Like ``mirror_with``, but the edit is on the PWT file's text (for faults pandas would not write)."""
    (folder / "pwt").mkdir(parents=True)
    (folder / "pwt" / "pwt1001.csv").write_text(edit(PWT_MIRROR_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    for other in MIRROR.iterdir():
        if other.is_dir() and other.name != "pwt":
            (folder / other.name).symlink_to(other)
    return folder


def mirror_with_capital_rows(folder: Path, rows: str) -> Path:
    """The real mirror with ``rows`` appended to the Chinese capital-stock table; the rest are links."""
    china = folder / "china"
    china.mkdir(parents=True)
    for other in MIRROR.iterdir():
        if other.is_dir() and other.name != "china":
            (folder / other.name).symlink_to(other)
    for part in (MIRROR / "china").iterdir():
        if part.name != "capital_stock":
            (china / part.name).symlink_to(part)
    (china / "capital_stock").mkdir()
    original = (MIRROR / "china" / "capital_stock" / "asset.csv").read_text(encoding="utf-8")
    (china / "capital_stock" / "asset.csv").write_text(original + rows, encoding="utf-8")
    return folder


UNKNOWN_PROVINCE_ROWS = "atlantis,2000.0,1.0,100.0,1.0,\natlantis,2001.0,1.0,100.0,1.0,\n"


def cut_inside_last_row(text: str) -> str:
    """A partial download: the file stops in the middle of its last row."""
    return text[: text.rindex(",", 0, len(text) - 30)]


def recode(code: str, to: str):
    return lambda text: text.replace(f",{code},", f",{to},")


def set_value(isocode: str, year: int, column: str, value):
    def edit(frame: pd.DataFrame):
        row = frame.index[(frame.isocode == isocode) & (frame.year == year)]
        frame.loc[row, column] = value

    return edit


def failed_checks(result) -> set[str]:
    return {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}


def step_failures(result) -> dict[str, str]:
    return {e.step_key: error_text(e.event_specific_data.error) for e in result.all_events if e.is_step_failure}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Two good refreshes (the second forced: nothing changed), then bad inputs of three kinds;
    returns what each left behind."""
    root = tmp_path_factory.mktemp("gate")
    data_dir, instance = root / "data", DagsterInstance.ephemeral()
    latest = data_dir / "publish" / "latest"
    states = {}

    first = run_full_refresh(data_dir, instance)
    states["first_version"] = latest.resolve()
    second = run_full_refresh(data_dir, instance, force=True)
    good = latest.resolve()
    states["good_digest"] = tree_digest(good)

    bad_raw = run_full_refresh(data_dir, instance, str(mirror_with(root / "labsh", set_value("USA", 2000, "labsh", 0.0))))
    states["after_bad_raw"] = latest.resolve()

    from orchestration.definitions import all_assets, gx_checks
    from orchestration.defs.resources import build_resources

    publish_only = materialize(
        [*all_assets, *gx_checks],
        selection=["quality_gate", "publication"],
        resources=build_resources(data_dir, str(PWT_MIRROR_FILE.parents[1])),
        instance=instance,
        raise_on_error=False,
    )
    states["after_publish_only"] = latest.resolve()

    cut_off = run_full_refresh(data_dir, instance, str(mirror_with_text(root / "cut", cut_inside_last_row)))
    states["after_cut_off"] = latest.resolve()
    unknown_code = run_full_refresh(data_dir, instance, str(mirror_with_text(root / "zzz", recode("ZWE", "ZZZ"))))
    states["after_unknown_code"] = latest.resolve()
    unknown_label = run_full_refresh(data_dir, instance, str(mirror_with_capital_rows(root / "atlantis", UNKNOWN_PROVINCE_ROWS)))
    states["after_unknown_label"] = latest.resolve()

    bad_mart = run_full_refresh(data_dir, instance, str(mirror_with(root / "rtfpna", set_value("USA", 2000, "rtfpna", 0.5))))
    states["after_bad_mart"] = latest.resolve()
    states["final_digest"] = tree_digest(good)
    return dict(
        first=first,
        second=second,
        bad_raw=bad_raw,
        publish_only=publish_only,
        cut_off=cut_off,
        unknown_code=unknown_code,
        unknown_label=unknown_label,
        bad_mart=bad_mart,
        data_dir=data_dir,
        good=good,
        **states,
    )


def test_a_forced_refresh_publishes_a_new_version(history):
    assert history["first"].success and history["second"].success
    assert history["first_version"] != history["good"]
    # the same inputs twice are one distinct version: retention drops the older copy (a pin keeps it)
    assert not history["first_version"].exists() and history["good"].is_dir()


def test_unchanged_input_creates_no_new_snapshot(history):
    landing = history["data_dir"] / "landing"
    with (landing / "manifest.csv").open() as handle:
        pulls = list(csv.DictReader(handle))
    pwt = [p for p in pulls if p["source"] == "pwt"]
    first, second = pwt[0], pwt[1]
    assert (first["snapshot_status"], second["snapshot_status"]) == ("new", "unchanged")
    assert first["sha256"] == second["sha256"] and first["snapshot"] == second["snapshot"]
    # seven PWT pulls: the two good ones and the one beside the unknown Chinese label share a
    # snapshot, each edited file got its own, and the cut-off and recoded files were rejected but kept
    assert [p["status"] for p in pwt] == ["landed", "landed", "landed", "rejected", "rejected", "landed", "landed"]
    assert len({p["sha256"] for p in pwt}) == 5 == len(list((landing / "pwt").iterdir()))
    # the other sources did not change over the seven runs: one snapshot per file, every pull recorded
    for source in ("wdi", "gapminder"):
        source_pulls = [p for p in pulls if p["source"] == source]
        per_run = len(source_pulls) // 7
        assert len(source_pulls) == 7 * per_run
        assert len({p["sha256"] for p in source_pulls}) == per_run == len(list((landing / source).iterdir()))
        assert sum(p["snapshot_status"] == "new" for p in source_pulls) == per_run


def test_failed_raw_check_blocks_everything_downstream(history):
    result = history["bad_raw"]
    assert not result.success
    assert failed_checks(result) == {"gx_pwt_raw"}
    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == "gx_pwt_raw")
    failures = evaluation.metadata["failures"].value
    assert "| expect_column_values_to_be_between | labsh |" in failures
    # the run's data-quality page, a path the UI shows and any browser opens, with the failure on it
    page = Path(evaluation.metadata["quality_page"].value)
    assert page == history["data_dir"] / "quality" / "gx" / result.run_id / "index.html"
    assert "pwt_raw" in page.read_text(encoding="utf-8") and "labsh" in page.read_text(encoding="utf-8")
    mirror_file = history["data_dir"].parent / "labsh" / "pwt" / "pwt1001.csv"
    line = next(
        n
        for n, text in enumerate(mirror_file.open(encoding="utf-8"), start=1)
        if text.startswith("United States of America,USA,2000,")
    )
    # the offending row, by its key and by where it is in the file
    assert (
        f'{{"economy_code": "USA", "year": 2000, "source_file": "{mirror_file}", "source_line": {line}, "labsh": 0.0}}'
        in failures
    )
    # the run's summary says which expectation failed, on what, and quotes the row with its file and line
    (summary,) = [line for line in failure_summary(result.all_events) if line.startswith("check pwt_raw / gx_pwt_raw")]
    assert summary.startswith("check pwt_raw / gx_pwt_raw failed: ")
    failed = summary.removeprefix("check pwt_raw / gx_pwt_raw failed: ").split(" | ")
    labsh = [
        part
        for part in failed
        if part.startswith('expect_column_values_to_be_between on column labsh: observed {"unexpected_count": 1, ')
    ]
    assert labsh and labsh[0].endswith(
        ', expected {"min_value": 0.0, "max_value": 1.0, "strict_min": true, "strict_max": true}; rows: '
        f'{{"economy_code": "USA", "year": 2000, "source_file": "{mirror_file}", "source_line": {line}, "labsh": 0.0}}'
    ), failed
    materialized = {m.asset_key.to_user_string() for m in result.get_asset_materialization_events()}
    # the sources landed; no dbt model, no gate, no publication ran
    assert materialized == {
        "pwt_raw",
        "wdi_observations_raw",
        "wdi_economies_raw",
        "gapminder_observations_raw",
        "gapminder_geo_raw",
        *(f"{name}_raw" for name in statistical.catalog()),
    }
    assert history["after_bad_raw"] == history["good"]


def test_gate_refuses_to_publish_after_a_failed_check(history):
    result = history["publish_only"]
    assert not result.success
    message = step_failures(result)["quality_gate"]
    assert message == (
        f"quality gate closed, nothing will be published:\npwt_raw / gx_pwt_raw: failed in run {history['bad_raw'].run_id}"
    )
    assert history["after_publish_only"] == history["good"]


@pytest.mark.parametrize(
    ("run", "mirror", "problem"),
    [
        # a partial download: the file stops in the middle of its last row
        (
            "cut_off",
            "cut",
            ", line 12811: the file ends inside a row (no line break after its last line): it was cut off, e.g. a partial download",
        ),
        # every row of Zimbabwe under 'ZZZ': Zimbabwe vanished since the last pull (and ZZZ is unknown to PWT)
        (
            "unknown_code",
            "zzz",
            ": since its last pull, every row of 1 unit is gone: ZWE (70 rows), 0.5% of the previous rows (tolerated: 0.1%)",
        ),
    ],
)
def test_a_corrupted_pwt_file_stops_its_pull_and_nothing_is_published(history, run, mirror, problem):
    result = history[run]
    assert not result.success
    mirror_file = history["data_dir"].parent / mirror / "pwt" / "pwt1001.csv"
    assert step_failures(result) == {"pwt_raw": f"pwt: file {mirror_file}{problem}"}
    assert history[f"after_{run}"] == history["good"]


def test_failed_dbt_test_blocks_publication(history):
    result = history["bad_mart"]
    assert not result.success
    assert "tfp_growth_reproduces_pwt_where_hours_are_published" in failed_checks(result)
    assert "dbt build failed" in step_failures(result)["nqpf_dbt_models"]
    assert history["after_bad_mart"] == history["good"]


def test_previous_publication_is_byte_identical(history):
    assert history["final_digest"] == history["good_digest"]
    assert (history["data_dir"] / "publish" / "latest").resolve() == history["good"]


def test_an_unknown_chinese_label_is_listed_by_dbt_with_its_file_and_line(history):
    """Which region labels are known is dbt's check, which lists them; no GX count fires before it."""
    result = history["unknown_label"]
    assert not result.success
    assert failed_checks(result) == set()
    lines = (MIRROR / "china" / "capital_stock" / "asset.csv").read_text(encoding="utf-8").count("\n")
    edited = history["data_dir"].parent / "atlantis" / "china" / "capital_stock" / "asset.csv"
    message = step_failures(result)["nqpf_dbt_models"]
    # two rows of three values each (investment, its index and price), listed from their first line
    assert f"- china_capital | atlantis | 6 | {edited} line {lines + 1}\n" in message, message
    assert history["after_unknown_label"] == history["good"]
