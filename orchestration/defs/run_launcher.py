"""Dagster's default run launcher, plus a health check so that run monitoring finds dead runs.

A run that is killed (SIGKILL, OOM, a reboot) never writes its end: it stays STARTED, and with
``max_concurrent_runs: 1`` the queue then refuses every later run, the nightly included. Dagster's
run monitoring (``run_monitoring`` in dagster.yaml, run by the daemon of ``make ui``) asks the run
launcher whether each started run's worker is alive; the default launcher cannot say, so this
one answers from the process that holds the data folder for the run: the refresh lock tags each
run with its pid and host (defs/resources.py). That covers runs started from the command line
too, which no launcher started. A run whose process is gone is marked failed, with the reason,
and so reaches the failure sensor's record.
"""

import os
import socket

from dagster import DagsterRun, DefaultRunLauncher
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus

PID_TAG = "nqpf/pid"
HOST_TAG = "nqpf/host"


def process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


class MonitoredRunLauncher(DefaultRunLauncher):
    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if pid is None or host != socket.gethostname():
            # not holding a data folder yet, or on another machine: the start and runtime timeouts apply
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        if process_is_alive(int(pid)):
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"the run's process (pid {pid} on {host}) is gone without finishing the run: it was killed or crashed",
        )
