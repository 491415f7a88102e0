"""The GX worker process (see validator.py): one JSON request per line in, one JSON reply out.

    request: {"warehouse": path, "checks": [{"relation": "schema.table", "suite": path of the suite's JSON}, ...]}
    reply:   {"results": [{...}, ...]} (in the checks' order) or {"error": traceback, "failed": index of the check}

It imports GX before reading its first request, and exits when its stdin closes.
"""

import json
import sys
import traceback
from pathlib import Path

from .gx_suites import Suite, validate_relations, warm_up


def main() -> None:
    replies = sys.stdout
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the replies
    warm_up()
    for line in sys.stdin:
        request = json.loads(line)
        results = []
        try:
            # Lazily: a suite file that cannot be read fails at its own place, so ``failed`` names it.
            checks = ((c["relation"], Suite.read(Path(c["suite"]))) for c in request["checks"])
            results.extend(validate_relations(Path(request["warehouse"]), checks))
            reply = {"results": results}
        except Exception:  # noqa: BLE001 - the caller reports it with the suite's name
            reply = {"error": traceback.format_exc(), "failed": len(results)}
        replies.write(json.dumps(reply, ensure_ascii=False, default=str) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
