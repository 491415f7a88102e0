"""Validation results that still hold: a raw table that holds the same snapshots, loaded by the
same code, checked by the same suite, gets the same result, so it is not validated again.

The identity of a check covers the suite file and, per file of the table's source, its sha256
and the hash of the code that parsed it (``raw.source_snapshots``). Results are kept in
``quality/gx/reusable/<suite>.json`` of the data folder; the result's ``run_id`` stays the run
that validated it.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from ..settings import DataPaths
from ..warehouse import connect, loaded_snapshots
from .gx_suites import Suite


def raw_identities(paths: DataPaths, suites: dict[str, Suite], sources: dict[str, str]) -> dict[str, str | None]:
    """Per suite name: what its raw-table check depends on, as one hash (None before the source's
    first load). ``sources`` maps each suite's asset to the source that lands it."""
    if not paths.warehouse.is_file():
        return dict.fromkeys(suites)
    identities: dict[str, str | None] = {}
    with connect(paths.warehouse, read_only=True) as con:
        for name, suite in suites.items():
            landed = loaded_snapshots(con, sources[suite.asset])
            if not landed or any(row["loaded_by"] is None for row in landed):
                identities[name] = None
                continue
            files = sorted(f"{row['sha256']} {row['loaded_by']}" for row in landed)
            text = suite.path.read_text(encoding="utf-8")
            identities[name] = hashlib.sha256(json.dumps([text, files]).encode()).hexdigest()
    return identities


def _kept(paths: DataPaths, suite: Suite) -> Path:
    return paths.quality / "gx" / "reusable" / f"{suite.name}.json"


def reusable_result(paths: DataPaths, suite: Suite, identity: str | None) -> dict[str, Any] | None:
    kept = _kept(paths, suite)
    if identity is None or not kept.is_file():
        return None
    record = json.loads(kept.read_text(encoding="utf-8"))
    return record["result"] if record.get("identity") == identity else None


def keep_result(paths: DataPaths, suite: Suite, identity: str | None, result: dict[str, Any]) -> None:
    if identity is None:
        return
    kept = _kept(paths, suite)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    partial.write_text(json.dumps({"identity": identity, "result": result}, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(kept)
