"""The dbt project as Dagster sees it; `dagster dev` re-parses it on load."""

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from .settings import DBT_PROJECT_DIR

# dagster-dbt finds the dbt executable on PATH. Under make, cron or CI the virtualenv is not
# activated, so put this interpreter's bin folder (where pip installed dbt) first.
_ENV_BIN = str(Path(sys.executable).parent)
if _ENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_ENV_BIN, os.environ.get("PATH", "")])

nqpf_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
nqpf_dbt_project.prepare_if_dev()


def prepare_manifest() -> None:
    """Build ``target/manifest.json`` (``dbt parse``): needed before Definitions can load."""
    nqpf_dbt_project.preparer.prepare(nqpf_dbt_project)
