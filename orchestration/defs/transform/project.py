"""The dbt project as Dagster sees it, and the dbt CLI resource that runs it.

The manifest is kept current by ``lib.dbt_manifest`` (a parse only when a dbt file changed),
not by ``DbtProject.prepare_if_dev()``, which parses on every load of the code location and
with an environment that differs from the runs' (so dbt then throws its partial parse away).
"""

import importlib.metadata
import os
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from ...lib.dbt_manifest import ensure_manifest
from ...lib.settings import DBT_PROJECT_DIR, data_paths

# dagster-dbt finds the dbt executable on PATH. Under make, cron or CI the virtualenv is not
# activated, so put this interpreter's bin folder (where pip installed dbt) first.
_ENV_BIN = str(Path(sys.executable).parent)
if _ENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_ENV_BIN, os.environ.get("PATH", "")])

ensure_manifest(data_paths())
nqpf_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class NqpfDbtCliResource(DbtCliResource):
    """``DbtCliResource`` without the ~8 s dagster-dbt 0.29 spends before it starts dbt.

    Before each invocation it runs ``dbt --version`` in a subprocess (~3 s) and builds a dbt
    adapter in process (~5 s), which only serves ``fetch_row_counts`` and
    ``fetch_column_metadata``; this project reads row counts itself. dbt-core is installed in
    this environment, so its version is read from the package metadata instead.
    tests/test_definitions.py fails if a dagster-dbt upgrade renames either hook.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - same signature as the hook it replaces
        return None
