"""Where the pipeline reads and writes, from environment variables with safe defaults.

Two settings matter to an operator (see README, "Configuration"):

- ``NQPF_DATA_SOURCE``: ``auto`` (default), ``online``, or the path of a mirror folder.
- ``NQPF_DATA_DIR``: the working folder for landing snapshots, the warehouse, quality
  results and publications (default: ``data/`` in the project).

The dbt profile reads ``NQPF_DATA_DIR``; every dbt call (parse, build) gets the same absolute
value from :func:`dbt_environment`, so Dagster and dbt always agree on the warehouse file and
dbt's partial parsing is not thrown away for a changed profile.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DEFAULT_MIRROR_DIR = PROJECT_ROOT.parent / "shared" / "data"

DATA_SOURCE_ENV = "NQPF_DATA_SOURCE"
DATA_DIR_ENV = "NQPF_DATA_DIR"


@dataclass(frozen=True)
class DataSourceChoice:
    """Where connectors read from: the official endpoints or a mirror folder."""

    mode: str  # "online" or "mirror"
    mirror_dir: Path | None
    setting: str  # the raw setting, for messages and manifests

    @property
    def online(self) -> bool:
        return self.mode == "online"


def resolve_data_source(setting: str | None = None) -> DataSourceChoice:
    """Turn ``NQPF_DATA_SOURCE`` into a choice.

    ``auto`` takes the mirror beside the project (``../shared/data``) when that folder
    exists, so a fresh clone on an offline machine works with no setting; everywhere else
    it reads the official endpoints.
    """
    raw = (setting if setting is not None else os.environ.get(DATA_SOURCE_ENV, "auto")).strip()
    if raw in ("", "auto"):
        if DEFAULT_MIRROR_DIR.is_dir():
            return DataSourceChoice("mirror", DEFAULT_MIRROR_DIR, raw or "auto")
        return DataSourceChoice("online", None, raw or "auto")
    if raw == "online":
        return DataSourceChoice("online", None, raw)
    mirror = Path(raw).expanduser()
    if not mirror.is_absolute():
        mirror = (PROJECT_ROOT / mirror).resolve()
    return DataSourceChoice("mirror", mirror, raw)


@dataclass(frozen=True)
class DataPaths:
    """The folders under the data directory; each has one owner (see data/README.md)."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "nqpf.duckdb"

    @property
    def quality(self) -> Path:
        return self.root / "quality"

    @property
    def publish(self) -> Path:
        return self.root / "publish"

    @property
    def dbt_runs(self) -> Path:
        return self.root / "dbt_runs"

    @property
    def dbt_partial_parse(self) -> Path:
        """dbt's partial-parse state for this warehouse (dbt throws it away when the profile changes)."""
        return self.root / "warehouse" / "dbt_partial_parse.msgpack"


def data_paths() -> DataPaths:
    raw = os.environ.get(DATA_DIR_ENV)
    root = Path(raw).expanduser().resolve() if raw else PROJECT_ROOT / "data"
    return DataPaths(root)


# One heap for every thread (``arena_max``), grown and never mapped apart (``mmap_max``) nor
# shrunk (``trim_threshold``, 64 GiB): freed memory is reused, not handed back to the kernel.
KEEP_FREED_MEMORY = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"


def numeric_settings() -> dict[str, str]:
    """NumPy's and the memory allocator's settings for the processes that compute (dbt, the benchmarks),
    unless the caller sets them.

    - BLAS on one thread: inside dbt, dbt's two threads and DuckDB already keep both cores busy,
      and OpenBLAS's own threads, which spin while they wait, only took CPU from them (measured:
      7% less CPU for a full build with one BLAS thread).
    - No transparent huge pages for NumPy's arrays (``NUMPY_MADVISE_HUGEPAGE=0``): where the kernel
      compacts memory on demand for them (``defrag`` set to ``madvise``, a common default), the
      first write to each new 240 MB array took 1.4 s instead of 0.12 s, and the composite
      library's nominal evaluation at 30M cells 19.4 s instead of 13.3 s.
    - glibc's allocator keeps the memory NumPy frees for the next array (``GLIBC_TUNABLES``:
      ``KEEP_FREED_MEMORY``). By default an array over 32 MB, or any array of one of dbt's
      threads, goes back to the kernel when freed, and the next one is new pages, zeroed by the
      kernel on first use. A 30M build took 26 GiB of new pages (peak 5.2 GiB) without the
      setting and 18 GiB with it; five builds of each, interleaved: 52.8-57.4 s (median 53.7)
      against 53.5-61.0 s (56.6). The rest is mostly DuckDB's: it hands free memory back
      (``malloc_trim``) whenever its buffer pool is full."""
    # an empty value counts as unset (NumPy would fail to start on NUMPY_MADVISE_HUGEPAGE="")
    return {
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS") or "1",
        "NUMPY_MADVISE_HUGEPAGE": os.environ.get("NUMPY_MADVISE_HUGEPAGE") or "0",
        "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES") or KEEP_FREED_MEMORY,
    }


def dbt_settings(paths: DataPaths) -> dict[str, str]:
    """What every dbt process needs in its environment, beyond the caller's own: the warehouse of
    ``paths``, as an absolute path, and NumPy's settings (``numeric_settings``)."""
    return {DATA_DIR_ENV: str(paths.root.resolve()), **numeric_settings()}


def dbt_environment(paths: DataPaths) -> dict[str, str]:
    """The environment of every dbt process started with ``subprocess``."""
    return {**os.environ, **dbt_settings(paths)}
