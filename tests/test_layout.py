"""The layers point one way: plain libraries under orchestration/lib never reach into Dagster."""

import ast
from pathlib import Path

LIB = Path(__file__).parents[1] / "orchestration" / "lib"


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules.add(("." * node.level) + base)
    return modules


def test_no_module_under_lib_imports_dagster_or_the_definitions():
    offenders = {}
    for path in sorted(LIB.rglob("*.py")):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in ("dagster", "dagster_dbt") or "defs" in m.split(".")}
        if bad:
            offenders[str(path.relative_to(LIB))] = sorted(bad)
    assert offenders == {}
    assert len(list(LIB.rglob("*.py"))) > 20  # the walk really saw the libraries
