"""Keep ``dbt_project/target/manifest.json`` current without paying for a parse on every start.

Loading the Dagster definitions needs dbt's manifest. ``dbt parse`` takes seconds, so it runs
only when the project changed: the manifest is keyed by a hash of every file dbt reads
(project and profile files, models, seeds, macros, tests) and the dbt version. The manifest
does not depend on where the warehouse is; dbt's partial-parse state does (the profile's path
is part of it), so each data folder keeps its own beside its warehouse (``keep_partial_parse``).
A lock keeps two processes from parsing at once.
"""

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from filelock import FileLock

from .settings import DBT_PROJECT_DIR, DataPaths, dbt_environment

PARSED_FOLDERS = ("models", "seeds", "macros", "tests", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def digest_files(files: list[Path], root: Path, salt: str = "") -> str:
    """One hash over the names (relative to ``root``) and bytes of ``files``, in the order given."""
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(f"{path.relative_to(root)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def listed_files(root: Path, folders: Iterable[str], names: Iterable[str] = (), suffixes: tuple[str, ...] = ()) -> list[Path]:
    """``names`` under ``root`` that exist, then every file under each of ``folders`` (sorted, no caches)."""
    found = [root / name for name in names if (root / name).is_file()]
    for folder in folders:
        found += sorted(
            p
            for p in (root / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and (not suffixes or p.suffix in suffixes)
        )
    return found


def project_key(project_dir: Path = DBT_PROJECT_DIR) -> str:
    files = listed_files(project_dir, PARSED_FOLDERS, PROJECT_FILES)
    return digest_files(files, project_dir, salt=f"dbt-core {importlib.metadata.version('dbt-core')}\n")


def ensure_manifest(paths: DataPaths, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Run ``dbt parse`` if the manifest is missing or stale; True when it parsed."""
    target = project_dir / "target"
    target.mkdir(exist_ok=True)
    stamp = target / "nqpf_manifest_key.json"
    with FileLock(target / ".nqpf_parse.lock", timeout=300):
        key = project_key(project_dir)
        if (target / "manifest.json").is_file() and stamp.is_file() and json.loads(stamp.read_text()).get("key") == key:
            return False
        dbt = Path(sys.executable).with_name("dbt")
        done = subprocess.run(
            [str(dbt), "parse", "--quiet", "--profiles-dir", str(project_dir), "--target-path", str(target)],
            cwd=project_dir,
            env=dbt_environment(paths),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"dbt parse failed in {project_dir}:\n{(done.stdout + done.stderr).strip()[-4000:]}")
        stamp.write_text(json.dumps({"key": key}) + "\n")
        return True


PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def restore_partial_parse(paths: DataPaths, run_target: Path) -> None:
    """Give a dbt run this data folder's own partial-parse state (dagster-dbt then leaves it be)."""
    kept = paths.dbt_partial_parse
    if kept.is_file():
        run_target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, run_target / PARTIAL_PARSE_FILE)


def keep_partial_parse(paths: DataPaths, run_target: Path) -> None:
    """Keep what the run's dbt wrote for the next run on this data folder (replaced whole, never half-written)."""
    written = run_target / PARTIAL_PARSE_FILE
    if written.is_file():
        paths.dbt_partial_parse.parent.mkdir(parents=True, exist_ok=True)
        partial = paths.dbt_partial_parse.with_name(f".{paths.dbt_partial_parse.name}.{os.getpid()}.partial")
        shutil.copyfile(written, partial)
        os.replace(partial, paths.dbt_partial_parse)
