#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the report's browser tests.
# Playwright's own `playwright install` downloads a browser build, which this network refuses,
# so the tests drive the distribution's package instead. A CJK font comes with it so that
# screenshots show the Chinese province and class names rather than empty boxes.
set -uo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium missing at $CHROMIUM and not root: run 'apt-get install -y chromium fonts-wqy-microhei' as root" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium missing at $CHROMIUM and apt-get is not available on this machine" >&2
    exit 1
fi
# The package mirror is sometimes briefly unreachable, and another apt may hold its lock: try a few times.
retry() {
    local attempt
    for attempt in 1 2 3 4 5; do
        "$@" >/dev/null 2>&1 && return 0
        sleep $((attempt * 5))
    done
    return 1
}
if ! retry apt-get -o DPkg::Lock::Timeout=120 update -qq; then
    echo "chromium missing at $CHROMIUM and 'apt-get update' failed five times (no reachable package mirror?)" >&2
    exit 1
fi
if ! DEBIAN_FRONTEND=noninteractive retry apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends chromium fonts-wqy-microhei; then
    echo "chromium missing at $CHROMIUM and 'apt-get install chromium' failed five times" >&2
    exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "apt-get installed chromium but $CHROMIUM is still missing" >&2
    exit 1
fi
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null)"
