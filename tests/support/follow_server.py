"""Serve saved sites on 127.0.0.1, one port per site, for the follower's tests and bench.

The project's own server for the fixture-site layout (each folder of ROOT is a
site with ``_site.json``; ``PATH/index.html`` for folders, ``STEM__QUERY.EXT``
for query variants; ``{{BASE}}`` replaced by the site's base URL; a strong
ETag and Last-Modified with 304s). ``_site.json`` may ask for behaviours per
path: ``slow`` (seconds before answering), ``retry_after_once`` (429 once),
``status``, ``external_redirects``, ``redirects`` (301), ``charsets``,
``content_types``, ``content_encoding`` and ``drip`` (seconds between
one-byte writes of the body, for slow-drip tests).

In tests: ``with SiteServers(root, log_path) as servers: servers.urls["unoda"]``.
As a program: ``python tests/support/follow_server.py ROOT [--ports-file F] [--log F]``.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import http.server
import json
import os
import posixpath
import re
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

INDEXES = ("index.html", "index.htm", "index.xml", "index.rss", "index.atom", "index.json", "index.txt")
TYPES = {".html": "text/html", ".htm": "text/html", ".aspx": "text/html", ".asp": "text/html", ".php": "text/html",
         ".jsp": "text/html", ".shtml": "text/html", ".cfm": "text/html", ".xml": "application/rss+xml",
         ".rss": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/json",
         ".txt": "text/plain", ".ics": "text/calendar"}


class Site:
    """One folder of ROOT and its ``_site.json``."""

    def __init__(self, folder: Path):
        self.id, self.folder = folder.name, folder.resolve()
        path = folder / "_site.json"
        self.meta = json.loads(path.read_text("utf-8")) if path.exists() else {}
        stamp = self.meta.get("last_modified") or "2020-01-01T00:00:00Z"
        self.last_modified = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc)
        self.base_url = ""
        self._retried: set[str] = set()
        self._lock = threading.Lock()

    def behaviour(self, name: str, path: str, query: str):
        """The value of behaviour ``name`` for this path (and query), or None."""
        table = self.meta.get(name) or {}
        if query and f"{path}?{query}" in table:
            return table[f"{path}?{query}"]
        for key in (path, path.rstrip("/") or "/", path.rstrip("/") + "/"):
            if key in table:
                return table[key]
        return None

    def first_time(self, path: str) -> bool:
        """True the first time ``path`` asks (retry_after_once)."""
        with self._lock:
            if path in self._retried:
                return False
            self._retried.add(path)
            return True

    def find(self, path: str, query: str) -> Path | None:
        """The file answering ``path`` (and its query variant when one exists)."""
        parts = [p for p in path.split("/") if p]
        if any(p.startswith(".") for p in parts) or (parts and parts[0].startswith("_")):
            return None
        target = self.folder.joinpath(*parts)
        if target.is_dir():
            candidates = [target / name for name in INDEXES]
        else:
            candidates = [] if path.endswith("/") else [target]
        for candidate in candidates:
            if not candidate.is_file():
                continue
            real = candidate.resolve()
            if self.folder not in real.parents:
                return None
            if query:
                slug = re.sub(r"[^A-Za-z0-9=&._-]", "_", unquote(query))
                variant = real.with_name(f"{real.stem}__{slug}{real.suffix}")
                try:
                    if variant.is_file():
                        return variant
                except OSError:
                    pass
            return real
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers one site's requests (the server carries ``site`` and ``log``)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the JSON log replaces stderr lines
        pass

    def _log(self, status: int) -> None:
        raw = self.requestline.split()[1] if len(self.requestline.split()) > 1 else self.path
        path, _, query = raw.partition("?")
        self.server.log({"site": self.server.site.id, "method": self.command, "path": path, "query": query,
                         "status": status, "if_none_match": self.headers.get("If-None-Match") is not None,
                         "user_agent": self.headers.get("User-Agent"), "client_port": self.client_address[1],
                         "time": time.time()})

    def _simple(self, status: int, headers: dict | None = None) -> None:
        body = f"<!DOCTYPE html><html><body><h1>{status}</h1></body></html>\n".encode()
        self._log(status)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        site = self.server.site
        raw_path, _, query = self.path.partition("?")
        path = posixpath.normpath(re.sub(r"/+", "/", "/" + unquote(raw_path)))
        path = path + "/" if raw_path.endswith("/") and path != "/" else path
        if delay := site.behaviour("slow", path, query):
            time.sleep(float(delay))
        if (seconds := site.behaviour("retry_after_once", path, query)) is not None and site.first_time(path):
            return self._simple(429, {"Retry-After": str(int(seconds))})
        if (status := site.behaviour("status", path, query)) is not None:
            return self._simple(int(status))
        if location := site.behaviour("external_redirects", path, query):
            return self._simple(302, {"Location": location})
        if location := site.behaviour("redirects", path, query):
            return self._simple(301, {"Location": location if "://" in location else site.base_url + location})
        found = site.find(path, query)
        if found is None:
            return self._simple(404)
        self._file(found, path, query)

    def _file(self, found: Path, path: str, query: str) -> None:
        site = self.server.site
        body = found.read_bytes()
        kind = TYPES.get(found.suffix.lower(), "application/octet-stream")
        encoding = site.behaviour("content_encoding", path, query)
        content_type = site.behaviour("content_types", path, query)
        is_text = (content_type or kind).split(";")[0].strip() in set(TYPES.values())
        if not content_type:
            charset = site.behaviour("charsets", path, query) or "utf-8"
            content_type = f"{kind}; charset={charset}" if is_text else kind
        if is_text and not encoding:
            body = body.replace(b"{{BASE}}", site.base_url.encode())
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        modified = email.utils.format_datetime(site.last_modified, usegmt=True)
        if self._not_modified(etag):
            self._log(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            return
        self._log(200)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        if self.command == "HEAD":
            return
        drip = site.behaviour("drip", path, query)
        try:
            if drip:
                for index in range(len(body)):
                    self.wfile.write(body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(float(drip))
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (size limit, deadline)

    def _not_modified(self, etag: str) -> bool:
        if (tags := self.headers.get("If-None-Match")) is not None:
            return any(t.strip().removeprefix("W/") in (etag, "*") for t in tags.split(","))
        if since := self.headers.get("If-Modified-Since"):
            try:
                return self.server.site.last_modified <= email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class SiteServers:
    """Every site of ``root`` on its own port, in threads of this process."""

    def __init__(self, root: Path, log_path: Path | None = None):
        self.root, self.log_path = Path(root), log_path
        self.urls: dict[str, str] = {}
        self._servers: list[_Server] = []
        self._lock = threading.Lock()

    def log(self, record: dict) -> None:
        """Append one request to the JSON-lines log."""
        if self.log_path is None:
            return
        with self._lock, open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    def requests(self) -> list[dict]:
        """Every logged request so far."""
        if self.log_path is None or not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text("utf-8").splitlines() if line]

    def __enter__(self) -> "SiteServers":
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            server = _Server(("127.0.0.1", 0), Handler)
            server.site, server.log = Site(folder), self.log
            server.site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
            self.urls[server.site.id] = server.site.base_url
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
            self._servers.append(server)
        return self

    def __exit__(self, *exc) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


def main(argv=None) -> int:
    """Serve ROOT until SIGTERM/SIGINT; write the ports file once listening."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--ports-file")
    parser.add_argument("--log")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with SiteServers(Path(args.root), Path(args.log) if args.log else None) as servers:
        if args.ports_file:
            temporary = f"{args.ports_file}.{os.getpid()}.tmp"
            Path(temporary).write_text(json.dumps(servers.urls))
            os.replace(temporary, args.ports_file)
        print(json.dumps(servers.urls), flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
