"""A real HTTP server on 127.0.0.1 that plays scripted answers, for testing connectors."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (to provoke client timeouts)
    truncate_to: int | None = None  # send only this many bytes of the body, announcing all of it


def script_keys(request_path: str) -> list[str]:
    """Scripts that may answer a request, most specific first: the exact request, the path
    with its ``page`` parameter only (paged APIs), the bare path."""
    parts = urlsplit(request_path)
    keys = [request_path]
    page = parse_qs(parts.query).get("page")
    if page:
        keys.append(f"{parts.path}?page={page[0]}")
    return [*keys, parts.path]


class ScriptedServer:
    """Answers each path with its script, one answer per request; the last answer repeats."""

    def __init__(self):
        self.scripts: dict[str, list[Answer]] = {}
        self.requests: list[tuple[float, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((time.monotonic(), self.path))
                script = next((server.scripts[k] for k in script_keys(self.path) if k in server.scripts), None)
                if not script:
                    self.send_error(404)
                    return
                answer = script.pop(0) if len(script) > 1 else script[0]
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                body = answer.body if answer.truncate_to is None else answer.body[: answer.truncate_to]
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if answer.truncate_to is not None:
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def script(self, path: str, *answers: Answer) -> str:
        self.scripts[path] = list(answers)
        return self.base_url + path

    def hits(self, path: str) -> list[float]:
        """Times of the requests for ``path`` (a bare path, or ``path?page=N``)."""
        return [t for t, p in self.requests if path in script_keys(p)]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
