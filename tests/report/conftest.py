"""Fixtures of the report tests: a publication to report on, the built report, and a headless Chromium.

The publication is a copy of the real one named by NQPF_REPORT_PUBLICATION, or else a synthetic one with
the published schemas, so that every test runs everywhere. Browser tests drive Debian's Chromium
(/usr/bin/chromium) through Playwright; when it is missing they try scripts/ensure_chromium.sh and fail
with its reason if that cannot install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.lib.report import build_quality_page, build_report

from .quality_results import QUALITY_RESULTS
from .synthetic_publication import write_synthetic_publication

PUBLICATION_ENV = "NQPF_REPORT_PUBLICATION"
SCREENSHOT_ENV = "NQPF_SCREENSHOT_DIR"
CHROMIUM = Path("/usr/bin/chromium")
ENSURE_CHROMIUM = Path(__file__).resolve().parents[2] / "scripts" / "ensure_chromium.sh"


@dataclass
class BuiltReport:
    publication_dir: Path
    index: Path
    quality_index: Path

    @property
    def report_dir(self) -> Path:
        return self.index.parent

    def pages(self) -> list[Path]:
        return sorted(self.report_dir.glob("*.html"))

    def system_pages(self) -> list[Path]:
        return [page for page in self.pages() if page.name not in {"index.html", "tfp.html"}]


def copy_publication(source: Path, target: Path) -> Path:
    """Copy what the report reads (manifest and Parquet files); the original is never written to."""
    if not (source / "manifest.json").is_file() or not (source / "parquet").is_dir():
        raise pytest.UsageError(f"{PUBLICATION_ENV}={source} is not a publication folder (manifest.json and parquet/ expected)")
    target.mkdir(parents=True)
    shutil.copy2(source / "manifest.json", target / "manifest.json")
    shutil.copytree(source / "parquet", target / "parquet")
    return target


def build_both(publication_dir: Path) -> BuiltReport:
    quality_index = build_quality_page(QUALITY_RESULTS, publication_dir / "quality")
    return BuiltReport(publication_dir, build_report(publication_dir), quality_index)


@pytest.fixture(scope="session")
def publication_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("publication") / "publication"
    source = os.environ.get(PUBLICATION_ENV)
    if source:
        return copy_publication(Path(source), target)
    return write_synthetic_publication(target)


@pytest.fixture(scope="session")
def uses_real_publication() -> bool:
    return bool(os.environ.get(PUBLICATION_ENV))


@pytest.fixture(scope="session")
def report(publication_dir) -> BuiltReport:
    return build_both(publication_dir)


@pytest.fixture(scope="session")
def synthetic_report(tmp_path_factory) -> BuiltReport:
    """Always synthetic, with the rank-uncertainty table the real publications do not have yet."""
    return build_both(write_synthetic_publication(tmp_path_factory.mktemp("synthetic") / "publication", with_uncertainty=True))


@pytest.fixture(scope="session")
def report_copy(report, tmp_path_factory) -> BuiltReport:
    """The built publication copied elsewhere: the pages must work from any folder, by relative paths only."""
    target = tmp_path_factory.mktemp("copied") / "publication"
    shutil.copytree(report.publication_dir, target)
    return BuiltReport(
        target,
        target / report.index.relative_to(report.publication_dir),
        target / report.quality_index.relative_to(report.publication_dir),
    )


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        run = subprocess.run(["bash", str(ENSURE_CHROMIUM)], capture_output=True, text=True, timeout=1200)
        if run.returncode != 0 or not CHROMIUM.exists():
            reason = (run.stderr or run.stdout).strip() or f"exit code {run.returncode}"
            pytest.fail(
                f"the report's browser tests need Debian's Chromium at {CHROMIUM}, and {ENSURE_CHROMIUM.name} could not install it: {reason}",
                pytrace=False,
            )
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_driver(chromium):
    """One Playwright driver per test process: a second one inside it refuses to start."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium):
    # Name resolution fails for every host: a request that escaped the route below still could not leave.
    browser = playwright_driver.chromium.launch(executable_path=str(chromium), args=["--host-resolver-rules=MAP * ~NOTFOUND"])
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    # kept under data/ of the project (not in git) for whoever looks after the run
    directory = Path(os.environ.get(SCREENSHOT_ENV) or Path(__file__).resolve().parents[2] / "data" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory
