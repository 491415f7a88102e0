"""Publication vintages: a refresh with nothing new confirms the current version instead of
publishing a copy; a source revision publishes a version whose change log traces it from the
raw snapshot to the figures that moved; `nqpf diff` says the same for any two versions."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from dagster import DagsterInstance, materialize

from orchestration.lib.publication_diff import RANK_MOVE, changes_report
from orchestration.lib.publishing import confirm, pinned_versions, prune_versions

from .conftest import MIRROR
from .test_operations import run_main_command

REVISED_SERIES = "gb.xpd.rsdv.gd.zs"  # R&D expenditure (% of GDP), the cross-country rd_intensity
REVISIONS = {"DEU": 1.1, "ESP": 3.0}  # the factor each economy's values from 2015 on are revised by
REVISED_FROM = 2015


def revised_mirror(folder: Path) -> Path:
    """The real mirror with one WDI series revised, as the World Bank revises a series: every
    other file is a link to the real one."""
    for other in MIRROR.iterdir():
        if other.is_dir() and other.name != "wdi":
            (folder / other.name).parent.mkdir(parents=True, exist_ok=True)
            (folder / other.name).symlink_to(other)
    wdi = folder / "wdi"
    (wdi / "indicators").mkdir(parents=True)
    (wdi / "MANIFEST.csv").symlink_to(MIRROR / "wdi" / "MANIFEST.csv")
    for series in (MIRROR / "wdi" / "indicators").iterdir():
        if series.name != REVISED_SERIES:
            (wdi / "indicators" / series.name).symlink_to(series)
    shutil.copytree(MIRROR / "wdi" / "indicators" / REVISED_SERIES, wdi / "indicators" / REVISED_SERIES)
    data = wdi / "indicators" / REVISED_SERIES / "data.csv"
    frame = pd.read_csv(data, keep_default_na=False, dtype=str)
    for code, factor in REVISIONS.items():
        rows = (frame["Country Code"] == code) & (frame["Year"].astype(int) >= REVISED_FROM)
        frame.loc[rows, "Value"] = [repr(float(v) * factor) for v in frame.loc[rows, "Value"]]
    frame.to_csv(data, index=False)
    return folder


def manifest_of(version: Path) -> dict:
    return json.loads((version / "manifest.json").read_text())


@pytest.fixture(scope="module")
def vintages(tmp_path_factory):
    """From the command line: a refresh, the same again, one with a revised WDI series, the same
    again; then refresh_inputs alone, plain and forced."""
    root = tmp_path_factory.mktemp("vintages")
    data_dir, revised = root / "data", revised_mirror(root / "revised-mirror")
    latest = data_dir / "publish" / "latest"
    runs, versions = {}, {}
    for name, source in [("first", MIRROR), ("again", MIRROR), ("revised", revised), ("revised_again", revised)]:
        runs[name] = run_main_command(data_dir, str(source))
        assert runs[name].returncode == 0, runs[name].stderr[-3000:]
        versions[name] = latest.resolve()
    from orchestration.definitions import all_assets, gx_checks
    from orchestration.defs.resources import build_resources

    alone, tags = {}, {}
    with DagsterInstance.ephemeral() as instance:
        for force in (False, True):
            alone[force] = materialize(
                [*all_assets, *gx_checks],
                selection=["refresh_inputs"],
                resources=build_resources(data_dir, str(revised)),
                instance=instance,
                run_config={"ops": {"refresh_inputs": {"config": {"force": force}}}},
            )
            tags[force] = instance.get_run_by_id(alone[force].run_id).tags
    diff = run_main_command(data_dir, str(revised), "diff", versions["first"].name, versions["revised"].name)
    return {"data_dir": data_dir, "runs": runs, "versions": versions, "alone": alone, "tags": tags, "diff": diff}


@pytest.mark.dbt
def test_a_refresh_with_nothing_new_confirms_the_current_version(vintages):
    versions, runs = vintages["versions"], vintages["runs"]
    assert versions["again"] == versions["first"] and versions["revised_again"] == versions["revised"]
    kept = sorted(p.name for p in (vintages["data_dir"] / "publish" / "versions").iterdir())
    assert kept == sorted({versions["first"].name, versions["revised"].name})
    for run, version in (("again", "first"), ("revised_again", "revised")):
        summary = runs[run].stdout[runs[run].stdout.index("\nnqpf: run ") + 1 :].splitlines()
        assert summary[0].endswith(f"found nothing changed; confirmed {versions[version]} (no new version)")
    # the first version was confirmed once before the revision; the revised one once by the CLI,
    # once by refresh_inputs alone (not forced)
    assert len(manifest_of(versions["first"])["confirmed_at"]) == 1
    assert len(manifest_of(versions["revised"])["confirmed_at"]) == 2


@pytest.mark.dbt
def test_the_unchanged_run_skips_dbt_the_checks_and_publication(vintages):
    plain, forced = vintages["alone"][False], vintages["alone"][True]
    (observation,) = [e for e in plain.all_events if e.event_type_value == "ASSET_OBSERVATION"]
    metadata = observation.asset_observation_data.asset_observation.metadata
    assert metadata["outcome"].value == "unchanged" and metadata["version"].value == vintages["versions"]["revised"].name
    assert vintages["tags"][False]["nqpf/outcome"] == "unchanged"
    assert plain.get_asset_materialization_events() == []
    (materialized,) = forced.get_asset_materialization_events()
    assert materialized.materialization.metadata["outcome"].value == "forced"
    assert "nqpf/outcome" not in vintages["tags"][True]  # a forced run goes on to rebuild; nothing confirmed


@pytest.mark.dbt
def test_a_revised_series_is_traced_from_its_snapshot_to_the_published_figures(vintages):
    before, after = vintages["versions"]["first"], vintages["versions"]["revised"]
    changes = manifest_of(after)["changes"]
    assert changes["against"] == before.name
    (source,) = changes["sources"]
    assert (source["source"], source["file"], source["status"]) == ("wdi", REVISED_SERIES.upper(), "revised")
    old = [s for s in manifest_of(before)["sources"] if s.get("file_key") == REVISED_SERIES.upper()]
    assert source["sha256_before"] == old[0]["sha256"] and Path(source["snapshot_after"]).is_file()

    # the panel: exactly the revised raw values, by the revision factor
    panel = pd.read_parquet(after / "changes" / "mart_nqpf_panel.parquet")
    raw = panel[panel.column_name == "raw_value"]
    assert set(raw.indicator_id) == {"rd_intensity"} and set(raw.system_id) == {"cross_country"}
    assert set(raw.geo_code) == set(REVISIONS)
    assert (raw.year >= REVISED_FROM).all()
    factors = raw.new_value / raw.old_value
    for code, factor in REVISIONS.items():
        assert factors[raw.geo_code == code].sub(factor).abs().max() < 1e-12

    # the index: both economies' scores moved, every year of the revision inside the window
    index = changes["tables"]["mart_nqpf_index"]
    revised_index = pd.read_parquet(after / "changes" / "mart_nqpf_index.parquet")
    moved = revised_index[revised_index.column_name == "nqpf_index"]
    assert set(REVISIONS) <= set(moved.geo_code)
    assert index["revised"] == len(revised_index.drop_duplicates(["system_id", "geo_code", "year"]))

    # ranks that moved by more than RANK_MOVE places, counted independently from the two files
    old_ranks = pd.read_parquet(before / "parquet" / "mart_nqpf_index.parquet")
    new_ranks = pd.read_parquet(after / "parquet" / "mart_nqpf_index.parquet")
    joined = old_ranks.merge(new_ranks, on=["system_id", "geo_code", "year"], suffixes=("_old", "_new"))
    expected = sum(int(((joined[f"{c}_new"] - joined[f"{c}_old"]).abs() > RANK_MOVE).sum()) for c in ("nqpf_rank", "topsis_rank"))
    assert index["rank_moves"] == expected > 0

    # what the revision could not touch is listed as unchanged
    assert {"mart_tfp_growth_accounting", "mart_china_tfp_levels", "mart_tfp_malmquist"} <= set(changes["unchanged_tables"])


@pytest.mark.dbt
def test_nqpf_diff_prints_the_change_log_of_any_two_versions(vintages):
    diff, after = vintages["diff"], vintages["versions"]["revised"]
    assert diff.returncode == 0, diff.stderr
    lines = diff.stdout.splitlines()
    assert lines[0] == f"{vintages['versions']['first'].name} -> {after.name}"
    assert "\n".join(lines[1:]) == changes_report(manifest_of(after)["changes"])


def write_version(versions: Path, name: str, fingerprint: str) -> Path:
    folder = versions / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": name, "inputs": {"fingerprint": fingerprint}}))
    return folder


def test_retention_keeps_distinct_versions_latest_and_pins(tmp_path):
    versions = tmp_path / "versions"
    names = [f"2026120{day}T020000Z_run{day}" for day in range(1, 7)]
    # day 4 rebuilt day 3's inputs (a forced refresh): the two count as one distinct version
    fingerprints = ["a", "b", "c", "c", "d", "e"]
    for name, fingerprint in zip(names, fingerprints, strict=True):
        write_version(versions, name, fingerprint)
    (tmp_path / "pins").mkdir()
    (tmp_path / "pins" / "paper-2026").write_text(f"{names[0]}\n")
    assert pinned_versions(tmp_path) == {names[0]: ["paper-2026"]}
    prune_versions(tmp_path, keep_versions=3, keep=versions / names[5])
    # the newest three distinct (e, d, c as of day 4), and day 1 pinned; day 3 duplicates day 4, day 2 is old
    assert sorted(p.name for p in versions.iterdir()) == [names[0], names[3], names[4], names[5]]
    prune_versions(tmp_path, keep_versions=1, keep=versions / names[3])  # latest is never removed
    assert sorted(p.name for p in versions.iterdir()) == [names[0], names[3], names[5]]


def test_confirm_appends_to_the_manifest(tmp_path):
    version = write_version(tmp_path, "v1", "a")
    stamps = [confirm(version), confirm(version)]
    manifest = manifest_of(version)
    assert manifest["confirmed_at"] == stamps and manifest["inputs"] == {"fingerprint": "a"}
