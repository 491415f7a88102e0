"""A worker process that validates GX suites, started early so that GX's import overlaps other work.

Importing Great Expectations takes about five seconds of pure Python, which a thread cannot
overlap with anything else (the GIL). A worker process (``python -m ...quality.worker``)
imports it on the other core while the run loads its definitions and ingests; by the time the
first suite is due it is ready, and every suite goes through its one GX context. Requests and
results are JSON lines on the worker's stdin and stdout; the worker reads each relation itself
over a short read-only connection, so no DataFrame crosses the pipe. A plain subprocess, not
multiprocessing: spawning would re-import the caller's ``__main__``.
"""

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importing gx_suites pulls in pandas and DuckDB; the CLI starts the worker before those
    from .gx_suites import Suite


class ValidatorError(RuntimeError):
    """The worker could not validate a suite (its traceback is in the message)."""


class SuiteValidator:
    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._stderr = None
        self._lock = threading.Lock()
        self._used = False

    def start(self) -> None:
        """Start the worker, which imports GX in the background (no-op while one is running)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return
            self._stderr = tempfile.TemporaryFile(mode="w+", prefix="nqpf-gx-worker-")
            self._process = subprocess.Popen(
                [sys.executable, "-m", "orchestration.lib.quality.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )

    def validate(self, warehouse: Path, checks: "list[tuple[str, Suite]]") -> list[dict[str, Any]]:
        """Validate each ``(relation, suite)`` in one request (one read-only connection), results in order."""
        if not checks:  # e.g. every raw table unchanged: its results are kept, and GX need not be waited for
            return []
        self.start()
        with self._lock:
            self._used = True
            request = {
                "warehouse": str(warehouse),
                "checks": [{"relation": relation, "suite": str(suite.path)} for relation, suite in checks],
            }
            try:
                self._process.stdin.write(json.dumps(request) + "\n")
                self._process.stdin.flush()
                line = self._process.stdout.readline()
            except BrokenPipeError:
                line = ""
            if not line:
                self._process.wait(timeout=10)
                self._stderr.seek(0)
                raise ValidatorError(
                    f"the GX worker stopped (exit code {self._process.returncode}): {self._stderr.read()[-2000:]}"
                )
            reply = json.loads(line)
        if "error" in reply:
            relation, suite = checks[reply["failed"]]
            raise ValidatorError(f"validating {suite.path.name} on {relation} failed in the GX worker:\n{reply['error']}")
        return reply["results"]

    def shutdown(self) -> None:
        with self._lock:
            if self._process is not None:
                if not self._used:  # e.g. a refresh that found nothing changed: no need to let GX finish importing
                    self._process.kill()
                self._process.stdin.close()
                self._process.wait(timeout=30)
                self._process = None
                self._used = False


# One per process: the CLI starts it before loading the Dagster definitions, a run's resource
# otherwise starts it when the run begins; it ends when its stdin closes (with this process).
VALIDATOR = SuiteValidator()
