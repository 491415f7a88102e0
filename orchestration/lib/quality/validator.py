"""A worker process that validates GX suites, started early so that GX's import overlaps other work.

Importing Great Expectations takes about five seconds of pure Python, which a thread cannot
overlap with anything else (the GIL). A single spawned worker imports it on the other core
while the run loads its definitions and ingests; by the time the first suite is due the
worker is ready, and every suite of the run goes through its one GX context. The worker
reads each relation itself over a short read-only connection, so no DataFrame is copied
between processes.
"""

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .gx_suites import Suite, validate_relation, warm_up


class SuiteValidator:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._ready: Future | None = None

    def start(self) -> None:
        """Spawn the worker and let it import GX in the background (no-op when already started)."""
        if self._pool is None:
            # spawn, not fork: the parent may hold threads and open DuckDB handles
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._ready = self._pool.submit(warm_up)

    def validate(self, warehouse: Path, relation: str, suite: Suite) -> dict[str, Any]:
        self.start()
        return self._pool.submit(validate_relation, warehouse, relation, suite).result()

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool, self._ready = None, None


# One per process: the CLI starts it before loading the Dagster definitions, a run's resource
# otherwise starts it when the run begins.
VALIDATOR = SuiteValidator()
