"""``python -m orchestration.lib.report PUBLICATION_DIR``: build the analyst report of a publication folder."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .build import build_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("publication_dir", type=Path, help="a publication folder (manifest.json, parquet/)")
    parser.add_argument(
        "--quality-page",
        type=Path,
        default=None,
        help="the data-quality page to link (default: PUBLICATION_DIR/quality/index.html)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    index = build_report(args.publication_dir, quality_page=args.quality_page)
    print(f"report written to {index} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
