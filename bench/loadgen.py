"""A small closed-loop HTTP load generator for loopback benches (standard library only).

``concurrency`` virtual clients each send one request, wait for the whole
response, then send the next, for a fixed time; requests cycle through a list
of :class:`Target` (group, path, headers, accepted statuses). The clients are
asyncio tasks speaking HTTP/1.1 over raw streams, so the generator costs far
less CPU per request than the server it measures: on a small machine the
client must not be what limits the figures. Connections are kept alive when
the server allows it (gunicorn's sync workers close them; gthread keeps them).

    report = run_load("http://127.0.0.1:8000", targets, concurrency=4, seconds=30)
    print(format_report(report))

A request counts as an error when it raises (connection refused, reset,
timeout) or answers a status its target does not accept (by default any 2xx,
and 304 for conditional requests).

:func:`throughput` is the other shape, for "how many requests per second can
this endpoint take": processes x threads of keep-alive http.client connections
hammering one path, counting answers (used by bench/feeds.py).
"""

from __future__ import annotations

import asyncio
import http.client
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

OK_STATUSES = frozenset(range(200, 300)) | {304}


@dataclass(frozen=True)
class Target:
    """One request: its report group, path (with query), extra headers and accepted statuses."""

    group: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    accept: frozenset[int] = OK_STATUSES


@dataclass
class GroupStats:
    """Latencies (seconds) and errors of one group."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)

    def add_error(self, what: str) -> None:
        """Count an error and keep the first few for the report."""
        self.errors += 1
        if len(self.samples) < 5:
            self.samples.append(what)


@dataclass
class Report:
    """What a run measured, per group."""

    seconds: float
    concurrency: int
    groups: dict[str, GroupStats]

    def summary(self) -> dict[str, dict]:
        """Per group: requests, requests/s, errors, p50/p95/p99 and max latency in ms."""
        out = {}
        for name, stats in sorted(self.groups.items()):
            lat = sorted(stats.latencies)
            requests = len(lat) + stats.errors
            out[name] = {"requests": requests, "requests_per_s": round(requests / self.seconds, 1),
                         "errors": stats.errors, "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95),
                         "p99_ms": _pct(lat, 99), "max_ms": round(lat[-1] * 1000, 1) if lat else None,
                         "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
                         "statuses": dict(sorted(stats.statuses.items())), "error_samples": stats.samples}
        return out

    def totals(self) -> dict:
        """Requests, requests/s and errors over every group."""
        requests = sum(len(s.latencies) + s.errors for s in self.groups.values())
        errors = sum(s.errors for s in self.groups.values())
        lat = sorted(x for s in self.groups.values() for x in s.latencies)
        return {"requests": requests, "errors": errors, "requests_per_s": round(requests / self.seconds, 1),
                "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95), "p99_ms": _pct(lat, 99)}


def _pct(sorted_values: list[float], percent: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(percent / 100 * len(sorted_values)) - 1))
    return round(sorted_values[index] * 1000, 2)


class _Connection:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def request(self, target: Target, host_header: str) -> tuple[int, int]:
        """Send ``target``; (status, body length) once the whole body is read."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [f"GET {target.path} HTTP/1.1", f"Host: {host_header}", "Accept-Encoding: identity"]
        lines += [f"{name}: {value}" for name, value in target.headers]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        size = await self._body(status, headers)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, size

    async def _body(self, status: int, headers: dict) -> int:
        if status in (204, 304) or 100 <= status < 200:
            return 0
        if "content-length" in headers:
            return len(await self.reader.readexactly(int(headers["content-length"])))
        if "chunked" in headers.get("transfer-encoding", "").lower():
            size = 0
            while True:
                chunk_size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if chunk_size == 0:
                    await self.reader.readuntil(b"\r\n")  # the empty trailer
                    return size
                size += len(await self.reader.readexactly(chunk_size))
                await self.reader.readexactly(2)
        body = await self.reader.read()  # no length: the body runs to the end of the connection
        self.close()
        return len(body)

    def close(self) -> None:
        """Drop the connection; the next request opens a new one."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _client(base: str, targets: list[Target], offset: int, stop_at: float, record_from: float,
                  groups: dict[str, GroupStats], timeout: float) -> None:
    parts = urlsplit(base)
    connection = _Connection(parts.hostname, parts.port or 80, timeout)
    index = offset
    while time.perf_counter() < stop_at:
        target = targets[index % len(targets)]
        index += 1
        started = time.perf_counter()
        try:
            status, _size = await asyncio.wait_for(connection.request(target, parts.netloc), timeout)
            error = None if status in target.accept else f"{target.path}: HTTP {status}"
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            connection.close()
            status, error = 0, f"{target.path}: {type(exc).__name__} {exc}"[:200]
        if started < record_from:
            continue  # warm-up: caches fill, connections open
        stats = groups.setdefault(target.group, GroupStats())
        stats.statuses[status] = stats.statuses.get(status, 0) + 1
        if error:
            stats.add_error(error)
        else:
            stats.latencies.append(time.perf_counter() - started)
    connection.close()


async def _run(base: str, targets: list[Target], concurrency: int, seconds: float, warmup: float,
               timeout: float) -> Report:
    groups: dict[str, GroupStats] = {}
    start = time.perf_counter()
    record_from, stop_at = start + warmup, start + warmup + seconds
    step = max(1, len(targets) // max(1, concurrency))
    await asyncio.gather(*(_client(base, targets, n * step, stop_at, record_from, groups, timeout)
                           for n in range(concurrency)))
    return Report(seconds=time.perf_counter() - record_from, concurrency=concurrency, groups=groups)


def run_load(base: str, targets: list[Target], *, concurrency: int, seconds: float, warmup: float = 3.0,
             timeout: float = 30.0) -> Report:
    """Run the load for ``warmup`` + ``seconds`` (only the latter is measured) and report per group."""
    if not targets:
        raise ValueError("no targets")
    return asyncio.run(_run(base, targets, concurrency, seconds, warmup, timeout))


def format_report(report: Report, goals: dict[str, float] | None = None) -> str:
    """A table: one row per group, then the totals; ``goals`` maps group -> p95 goal in ms."""
    goals = goals or {}
    lines = [f"{'group':<24}{'requests':>9}{'req/s':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
             f"{'goal p95':>10}"]
    for name, row in report.summary().items():
        goal = f"< {goals[name]:g}" if name in goals else ""
        lines.append(f"{name:<24}{row['requests']:>9}{row['requests_per_s']:>9}{row['errors']:>8}"
                     f"{_fmt(row['p50_ms'])}{_fmt(row['p95_ms'])}{_fmt(row['p99_ms'])}{goal:>10}")
    total = report.totals()
    lines.append(f"{'all':<24}{total['requests']:>9}{total['requests_per_s']:>9}{total['errors']:>8}"
                 f"{_fmt(total['p50_ms'])}{_fmt(total['p95_ms'])}{_fmt(total['p99_ms'])}")
    return "\n".join(lines)


def _fmt(value) -> str:
    return f"{value:>9.1f}" if isinstance(value, (int, float)) else f"{'-':>9}"


def _throughput_worker(port: int, path: str, headers: dict, seconds: float, threads: int, results) -> None:
    counts = [0] * threads
    errors = [0] * threads
    stop = time.monotonic() + seconds

    def run(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status in (200, 304):
                    counts[slot] += 1
                else:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    pool = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((sum(counts), sum(errors)))


def throughput(port: int, path: str, headers: dict, seconds: float, connections: int,
               processes_count: int = 2) -> tuple[float, int]:
    """Requests per second (200 or 304) of GET ``path`` on 127.0.0.1:port over ``connections``
    keep-alive connections (spread over ``processes_count`` processes) for ``seconds``, and the errors."""
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=_throughput_worker,
                                         args=(port, path, headers, seconds, connections // processes_count, results))
                 for _ in range(processes_count)]
    started = time.monotonic()
    for process in processes:
        process.start()
    totals = [results.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    return sum(t[0] for t in totals) / elapsed, sum(t[1] for t in totals)
