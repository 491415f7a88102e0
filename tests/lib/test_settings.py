"""The environment every dbt process gets (lib/settings.py)."""

import subprocess
import sys
from pathlib import Path

from orchestration.lib.settings import DATA_DIR_ENV, KEEP_FREED_MEMORY, DataPaths, dbt_environment


def test_dbt_gets_the_absolute_warehouse_folder_one_blas_thread_and_no_huge_pages(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    env = dbt_environment(DataPaths(Path("relative") / "data"))
    assert env[DATA_DIR_ENV] == str(tmp_path / "relative" / "data")
    assert env["OPENBLAS_NUM_THREADS"] == "1"
    assert env["NUMPY_MADVISE_HUGEPAGE"] == "0"


def test_an_operators_numeric_settings_are_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    env = dbt_environment(DataPaths(tmp_path))
    assert (env["OPENBLAS_NUM_THREADS"], env["NUMPY_MADVISE_HUGEPAGE"]) == ("4", "1")
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2"


HEAP_AFTER_A_THREADS_ARRAY = """
import ctypes, threading
import numpy as np

class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2

def work():
    array = np.ones(40_000_000)
    print(libc.mallinfo2().hblkhd)  # bytes in mappings of their own, while the 320 MB array lives
    del array

thread = threading.Thread(target=work)
thread.start()
thread.join()
print(libc.mallinfo2().arena)  # bytes of the main heap, after the array was freed
"""


def _mapped_apart_and_heap(env: dict[str, str]) -> tuple[int, int]:
    run = subprocess.run([sys.executable, "-c", HEAP_AFTER_A_THREADS_ARRAY], env=env, capture_output=True, text=True, check=True)
    mapped_apart, heap = (int(line) for line in run.stdout.split())
    return mapped_apart, heap


def test_dbt_keeps_the_memory_numpy_frees(monkeypatch, tmp_path):
    """glibc ignores a tunable it does not know, silently: with dbt's environment a 320 MB array
    made in a thread must come from the one heap and stay there when freed; by default it is a
    mapping of its own, handed back when freed."""
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    env = dbt_environment(DataPaths(tmp_path))
    assert env["GLIBC_TUNABLES"] == KEEP_FREED_MEMORY
    mapped_apart, heap = _mapped_apart_and_heap(env)
    assert mapped_apart == 0
    assert heap >= 320_000_000

    del env["GLIBC_TUNABLES"]
    mapped_apart, heap = _mapped_apart_and_heap(env)
    assert mapped_apart >= 320_000_000
    assert heap < 320_000_000
