"""Native rendering in child processes, capped in time and memory (docs/design/security.md item 31).

mjml-python (MRML) and css-inline are native code: an input they cannot handle
may overflow their stack and kill the process that called them, which no
Python exception can catch. So ``run_isolated(function, argument)`` runs a
module-level function in one of a few long-lived child processes and answers
its result or raises IsolatedError:

- children start from a fork server (no threads or held locks are inherited
  from a web or worker process) with the rendering modules preloaded, and are
  reused: a call costs a pipe round trip, not a process start;
- each child's address space is capped (RLIMIT_AS, MEMORY_BYTES), and the
  parent waits at most SECONDS for an answer;
- a child that crashes, runs out of memory or out of time is killed and
  replaced, and only that one call fails; the calling process lives on.

At most POOL_SIZE children run per calling process; more callers wait.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading

POOL_SIZE = 2
SECONDS = 20.0
MEMORY_BYTES = 1 << 30
PRELOAD = ["comms.rendering.document"]


class IsolatedError(RuntimeError):
    """The isolated call failed: the function raised, or its child crashed, ran out of memory or of time."""


def _serve(connection, memory_bytes: int) -> None:
    """A child's loop: run each (function, argument) received, answer ("ok", result) or ("error", message)."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            function, argument = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        try:
            answer = ("ok", function(argument))
        except MemoryError:
            answer = ("error", "it needed more than its memory limit")
        except Exception as exc:  # reported to the parent, which raises it there
            answer = ("error", str(exc) or type(exc).__name__)
        connection.send(answer)


def _context():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class _Child:
    """One child process and the parent's end of its pipe."""

    def __init__(self, context, memory_bytes: int):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, memory_bytes), daemon=True,
                                       name="pressroom-render")
        self.process.start()
        theirs.close()

    def call(self, function, argument, seconds: float) -> tuple[str, object]:
        """The child's answer, ("ok", result) or ("error", message); IsolatedError if it died or took too long."""
        try:
            self.connection.send((function, argument))
            if not self.connection.poll(seconds):
                raise IsolatedError(f"it took longer than {seconds:g} seconds and was stopped")
            return self.connection.recv()
        except (EOFError, OSError) as exc:
            self.process.join(timeout=5)
            raise IsolatedError(f"its process stopped ({self._death()})") from exc

    def _death(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def stop(self) -> None:
        """Kill the process (if it still runs) and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class ChildPool:
    """Up to ``size`` reusable children per process (see the module docstring)."""

    def __init__(self, size: int = POOL_SIZE, seconds: float = SECONDS, memory_bytes: int = MEMORY_BYTES):
        self.size, self.seconds, self.memory_bytes = size, seconds, memory_bytes
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Child] = []
        self._pid = os.getpid()
        self.started = 0

    def _take(self) -> _Child:
        with self._lock:
            if self._pid != os.getpid():  # forked since: those children belong to the parent process
                self._idle, self._pid, self._slots = [], os.getpid(), threading.BoundedSemaphore(self.size)
            while self._idle:
                child = self._idle.pop()
                if child.process.is_alive():
                    return child
                child.stop()
            self.started += 1
        return _Child(_context(), self.memory_bytes)

    def run(self, function, argument):
        """``function(argument)`` in a child; IsolatedError if it raised, crashed or ran out of time or memory."""
        with self._slots:
            child = self._take()
            try:
                kind, value = child.call(function, argument, self.seconds)
            except BaseException:
                # Dead, too slow, or interrupted mid-call: a late answer must never reach the next caller.
                child.stop()
                raise
            self._give(child)
        if kind == "error":
            raise IsolatedError(value)
        return value

    def _give(self, child: _Child) -> None:
        with self._lock:
            if self._pid == os.getpid():
                self._idle.append(child)

    def close(self) -> None:
        """Stop every idle child (tests; a process's children also end when it exits)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.stop()


_POOL = ChildPool()


def run_isolated(function, argument):
    """``function(argument)`` in the process-wide pool of children (see ChildPool.run)."""
    return _POOL.run(function, argument)


def pool() -> ChildPool:
    """The process-wide pool (for counters and tests)."""
    return _POOL
