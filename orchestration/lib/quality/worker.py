"""The GX worker process (see validator.py): one JSON request per line in, one JSON reply out.

    request: {"warehouse": path, "relation": "schema.table", "suite": path of the suite's JSON}
    reply:   {"result": {...}} or {"error": traceback}

It imports GX before reading its first request, and exits when its stdin closes.
"""

import json
import sys
import traceback
from pathlib import Path

from .gx_suites import Suite, validate_relation, warm_up


def main() -> None:
    replies = sys.stdout
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the replies
    warm_up()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            path = Path(request["suite"])
            suite = Suite(path, json.loads(path.read_text(encoding="utf-8")))
            reply = {"result": validate_relation(Path(request["warehouse"]), request["relation"], suite)}
        except Exception:  # noqa: BLE001 - the caller reports it with the suite's name
            reply = {"error": traceback.format_exc()}
        replies.write(json.dumps(reply, ensure_ascii=False, default=str) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
