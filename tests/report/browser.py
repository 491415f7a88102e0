"""A page opened from file:// with every request watched: what may load is file: and data:, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LOCAL_SCHEMES = ("file:", "data:")


@dataclass
class OfflinePage:
    page: object
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())
        # Resolves once vega-embed has finished (or failed) every chart of the page.
        self.page.evaluate("() => window.nqpfChartsReady ? window.nqpfChartsReady.then(() => true) : true")

    def assert_offline_and_clean(self, name: str) -> None:
        remote = [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]
        assert not remote and not self.blocked, f"{name} requested outside the machine: {remote or self.blocked}"
        assert not self.failed, f"{name}: requests failed: {self.failed}"
        assert not self.console_errors, f"{name}: console errors: {self.console_errors}"


def offline_page(browser) -> OfflinePage:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    watched = OfflinePage(page)

    def route(route):
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            watched.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("requestfailed", lambda request: watched.failed.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda message: watched.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    return watched
