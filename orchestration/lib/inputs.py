"""What a publication is built from, as one fingerprint: the source snapshots, the seeds, the dbt
project, the code and the run's settings.

The nightly refresh compares the fingerprint of what it has just pulled with the one recorded
in the current publication's manifest: equal means a rebuild would publish the same tables, so
the run confirms the current version instead of publishing a copy of it (see
``defs/ingest/inputs.py``). A marker beside the warehouse says which fingerprint the warehouse's
models were last published from; dbt removes it before it rebuilds anything, so a run that
failed half-way never passes for an unchanged one.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .dbt_manifest import PARSED_FOLDERS, PROJECT_FILES, digest_files, listed_files
from .settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT, DataPaths

CODE_FILES = ("pyproject.toml", "requirements.lock")
REFRESH_INPUTS = "refresh_inputs"  # the asset that decides (defs/ingest/inputs.py)
# Ops whose config changes no published figure: how many versions are kept, whether to force.
IGNORED_OPS = ("publication", REFRESH_INPUTS)
MARKER_NAME = "published_inputs.json"


@cache  # a process runs one version of the code
def code_digest() -> str:
    """The pipeline's code: every Python module, the expectation suites and the pinned environment."""
    files = listed_files(PROJECT_ROOT, ["orchestration"], CODE_FILES, suffixes=(".py", ".yml", ".yaml"))
    files += listed_files(EXPECTATIONS_DIR.parent, [EXPECTATIONS_DIR.name])
    return digest_files(files, PROJECT_ROOT)


def dbt_digests() -> tuple[str, str]:
    """The dbt project without its seeds, and the seeds (the indicator systems are data)."""
    project = listed_files(DBT_PROJECT_DIR, [f for f in PARSED_FOLDERS if f != "seeds"], PROJECT_FILES)
    return digest_files(project, DBT_PROJECT_DIR), digest_files(listed_files(DBT_PROJECT_DIR, ["seeds"]), DBT_PROJECT_DIR)


def run_settings(run_config: Mapping[str, Any], ignored: Iterable[str]) -> dict[str, Any]:
    """The run's op config that can change a published figure (e.g. dbt vars); ``ignored`` ops cannot."""
    ops = run_config.get("ops", {}) or {}
    return {name: ops[name] for name in sorted(ops) if name not in set(ignored)}


def fingerprint(snapshots: Iterable[Mapping[str, Any]], settings: Mapping[str, Any]) -> dict[str, Any]:
    """The parts and their combined hash; ``snapshots`` are the rows of ``raw.source_snapshots``."""
    sources: dict[str, list[str]] = {}
    for row in snapshots:
        sources.setdefault(row["source"], []).append(row["sha256"])
    dbt_project, seeds = dbt_digests()
    parts = {
        "sources": {name: sorted(shas) for name, shas in sorted(sources.items())},
        "seeds": seeds,
        "dbt_project": dbt_project,
        "code": code_digest(),
        "settings": dict(settings),
    }
    combined = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return {"fingerprint": combined, **parts}


def current_inputs(paths: DataPaths, run_config: Mapping[str, Any]) -> dict[str, Any]:
    """The fingerprint of what a refresh on ``paths`` builds from now (its raw tables' snapshots)."""
    from .warehouse import SNAPSHOTS_TABLE, connect

    with connect(paths.warehouse, read_only=True) as con:
        cursor = con.execute(f"select source, sha256 from {SNAPSHOTS_TABLE}")
        snapshots = [{"source": source, "sha256": sha} for source, sha in cursor.fetchall()]
    return fingerprint(snapshots, run_settings(run_config, IGNORED_OPS))


def differences(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """Which parts of two fingerprints differ, in words (``before`` None: there is no publication)."""
    if before is None:
        return ["no earlier publication"]
    changed = [
        f"source {name}"
        for name in sorted(set(before.get("sources", {})) | set(after["sources"]))
        if before.get("sources", {}).get(name) != after["sources"].get(name)
    ]
    changed += [part for part in ("seeds", "dbt_project", "code", "settings") if before.get(part) != after[part]]
    return changed


def marker_path(paths: DataPaths) -> Path:
    return paths.warehouse.parent / MARKER_NAME


def warehouse_published_from(paths: DataPaths) -> str | None:
    """The fingerprint the warehouse's models were published from, if nothing rebuilt them since."""
    marker = marker_path(paths)
    return json.loads(marker.read_text())["fingerprint"] if marker.is_file() else None


def mark_published(paths: DataPaths, combined: str) -> None:
    marker = marker_path(paths)
    marker.parent.mkdir(parents=True, exist_ok=True)
    partial = marker.with_suffix(".partial")
    partial.write_text(json.dumps({"fingerprint": combined}) + "\n")
    partial.replace(marker)


def forget_published(paths: DataPaths) -> None:
    """Called before dbt rebuilds: from now on the warehouse may differ from the publication."""
    marker_path(paths).unlink(missing_ok=True)
