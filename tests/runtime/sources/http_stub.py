"""Routes of the loopback HTTP stub (http.server in a thread) used by the REST / HTTP-file tests."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "tok-abcdef123456"
API_KEY = "key-abcdef123456"
BASIC_USER, BASIC_PASSWORD = "svc", "pw-abcdef123456"
CLIENT_ID, CLIENT_SECRET, ACCESS_TOKEN = "cf-client", "cs-abcdef123456", "at-abcdef123456"

ITEMS = [{"id": i, "name": f"item-{i}", "updated_at": f"2026-01-{i:02d}T00:00:00Z"} for i in range(1, 8)]
GEOJSON = {
    "type": "FeatureCollection",
    "metadata": {"count": 2},
    "features": [
        {"type": "Feature", "id": "ev1", "geometry": {"type": "Point", "coordinates": [1.0, 2.0, 3.0]}},
        {"type": "Feature", "id": "ev2", "geometry": {"type": "Point", "coordinates": [4.0, 5.0, 6.0]}},
    ],
}
CSV_BODY = "id,name,amount\n1,ada,10.5\n2,grace,20.0\n3,alan,0.25\n"
JSONL_BODY = '{"id": 1, "tag": "a"}\n{"id": 2, "tag": "b"}\n\n{"id": 3, "tag": "c"}\n'


class StubState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.requests: list[dict] = []

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class StubHandler(BaseHTTPRequestHandler):
    state: StubState

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    # ---------------------------------------------------------------------------------- helpers
    def _send(self, status: int, body, headers: dict | None = None, content_type="application/json"):
        data = (
            body
            if isinstance(body, bytes)
            else (body if isinstance(body, str) else json.dumps(body)).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self):
        parts = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.state.requests.append(
            {
                "method": self.command,
                "path": parts.path,
                "query": query,
                "headers": dict(self.headers),
                "body": body,
            }
        )
        route = getattr(self, "route_" + parts.path.strip("/").replace("/", "_").replace(".", "_"), None)
        if route is None:
            return self._send(404, {"error": "no route"})
        return route(query, body)

    # ------------------------------------------------------------------------------------ routes
    def route_page(self, query, body):
        page = int(query.get("page", 1))
        self._send(200, {"data": ITEMS[(page - 1) * 3 : page * 3], "page": page})

    def route_offset(self, query, body):
        offset, limit = int(query["offset"]), int(query["limit"])
        self._send(200, {"results": ITEMS[offset : offset + limit]})

    def route_cursor(self, query, body):
        start = int(query.get("cursor", 0))
        nxt = start + 2 if start + 2 < len(ITEMS) else None
        self._send(200, {"items": ITEMS[start : start + 2], "meta": {"next": nxt}})

    def route_link(self, query, body):
        page = int(query.get("p", 1))
        headers = {}
        if page * 4 < len(ITEMS):
            headers["Link"] = f'</link?p={page + 1}>; rel="next", </link?p=1>; rel="first"'
        self._send(200, ITEMS[(page - 1) * 4 : page * 4], headers)

    def route_geojson(self, query, body):
        self._send(200, GEOJSON, content_type="application/geo+json")

    def route_flaky429(self, query, body):
        if self.state.hit("flaky429") == 1:
            return self._send(429, {"error": "slow down"}, {"Retry-After": "2"})
        self._send(200, {"data": ITEMS[:2]})

    def route_flaky500(self, query, body):
        if self.state.hit("flaky500") <= 2:
            return self._send(500, {"error": "boom"})
        self._send(200, {"data": ITEMS[:1]})

    def route_always500(self, query, body):
        self._send(503, {"error": "down"})

    def route_redirect(self, query, body):
        self._send(302, b"", {"Location": "/page?page=1"})

    def route_big(self, query, body):
        self._send(200, {"data": [{"blob": "x" * 5000}]})

    def route_token(self, query, body):
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        ok = form.get("grant_type") == "client_credentials" and form.get("client_id") == CLIENT_ID
        if not ok or form.get("client_secret") != CLIENT_SECRET:
            return self._send(401, {"error": "invalid_client"})
        self._send(200, {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "scope": form.get("scope")})

    def route_protected(self, query, body):
        expected = {
            f"Bearer {TOKEN}",
            f"Bearer {ACCESS_TOKEN}",
            "Basic " + base64.b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode(),
        }
        if self.headers.get("Authorization") in expected or self.headers.get("X-Api-Key") == API_KEY:
            return self._send(200, {"data": ITEMS[:3]})
        self._send(401, {"error": "unauthorized"})

    def route_search(self, query, body):
        payload = json.loads(body or b"{}")
        since = payload.get("since") or query.get("since") or self.headers.get("X-Since") or ""
        self._send(200, {"data": [i for i in ITEMS if i["updated_at"] > since]})

    def route_files_data_csv(self, query, body):
        self._send(200, CSV_BODY, content_type="text/csv")

    def route_files_data_jsonl(self, query, body):
        self._send(200, JSONL_BODY, content_type="application/x-ndjson")

    def route_files_notes_txt(self, query, body):
        self._send(200, "first line\nsecond line\n", content_type="text/plain")


def start_stub():
    """Start a fresh server on 127.0.0.1:<free port>; returns (server, base_url, state)."""
    state = StubState()
    handler = type("Handler", (StubHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}", state
