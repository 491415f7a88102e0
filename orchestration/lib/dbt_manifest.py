"""Keep ``dbt_project/target/manifest.json`` current without paying for a parse on every start.

Loading the Dagster definitions needs dbt's manifest. ``dbt parse`` takes seconds, so it runs
only when the project changed: the manifest is keyed by a hash of every file dbt reads
(project and profile files, models, seeds, macros, tests), the dbt version and the warehouse
path the profile resolves to. A lock keeps two processes from parsing at once.
"""

import hashlib
import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

from filelock import FileLock

from .settings import DBT_PROJECT_DIR, DataPaths, dbt_environment

PARSED_FOLDERS = ("models", "seeds", "macros", "tests", "snapshots", "analyses")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def project_key(paths: DataPaths, project_dir: Path = DBT_PROJECT_DIR) -> str:
    digest = hashlib.sha256()
    digest.update(f"dbt-core {importlib.metadata.version('dbt-core')}\n".encode())
    # the profile's warehouse path is part of dbt's partial-parse state: parse as runs will run
    digest.update(f"warehouse {paths.warehouse.resolve()}\n".encode())
    files = [project_dir / name for name in PROJECT_FILES if (project_dir / name).is_file()]
    for folder in PARSED_FOLDERS:
        files += sorted(p for p in (project_dir / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(f"{path.relative_to(project_dir)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_manifest(paths: DataPaths, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Run ``dbt parse`` if the manifest is missing or stale; True when it parsed."""
    target = project_dir / "target"
    target.mkdir(exist_ok=True)
    stamp = target / "nqpf_manifest_key.json"
    with FileLock(target / ".nqpf_parse.lock", timeout=300):
        key = project_key(paths, project_dir)
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
