"""Fault injection for the crash tests: ``CONTRACTFORGE_FAULT_AT=<point>`` kills the runner process.

``CONTRACTFORGE_PAUSE_AT=<point>`` instead sleeps ``CONTRACTFORGE_PAUSE_SECONDS`` (default 10) there,
holding the lock: how the race tests make two runs overlap for certain. With
``CONTRACTFORGE_PAUSE_UNTIL=<file>`` the pause ends as soon as that file exists (the test creates it
once the other run is done), still at most ``CONTRACTFORGE_PAUSE_SECONDS``.

Inert unless the environment variable is set (it is never set by the product). ``fault_point(name)``
sends SIGKILL to this process when the variable names ``name`` — no cleanup, no evidence, no lock
release: what an out-of-memory kill or a lost Glue worker does. The points, in run order:

- ``read``, ``quality``, ``schema_policy``: as the stage starts;
- ``write``: a timer kills the process ``CONTRACTFORGE_FAULT_DELAY_SECONDS`` (default 0.5) after the
  write stage starts, i.e. while the write / MERGE runs (or just after its commit: both are legal);
- ``after_commit``: the target commit returned, nothing else was recorded (no ledger, state, runs);
- ``evidence``: state, lineage and metadata rows are stored, the runs row is not.
"""

from __future__ import annotations

import os
import signal
import threading
import time

FAULT_ENV = "CONTRACTFORGE_FAULT_AT"
DELAY_ENV = "CONTRACTFORGE_FAULT_DELAY_SECONDS"
PAUSE_ENV = "CONTRACTFORGE_PAUSE_AT"
PAUSE_SECONDS_ENV = "CONTRACTFORGE_PAUSE_SECONDS"
PAUSE_UNTIL_ENV = "CONTRACTFORGE_PAUSE_UNTIL"
POINTS = ("read", "quality", "schema_policy", "write", "after_commit", "evidence")
TIMED = ("write",)


def fault_point(name: str) -> None:
    if os.environ.get(PAUSE_ENV) == name:
        _pause(float(os.environ.get(PAUSE_SECONDS_ENV) or 10), os.environ.get(PAUSE_UNTIL_ENV))
    if os.environ.get(FAULT_ENV) != name:
        return
    if name in TIMED:
        timer = threading.Timer(float(os.environ.get(DELAY_ENV) or 0.5), _kill)
        timer.daemon = True
        timer.start()
        return
    _kill()


def _pause(seconds: float, until: str | None) -> None:
    if not until:
        time.sleep(seconds)
        return
    deadline = time.monotonic() + seconds
    while not os.path.exists(until) and time.monotonic() < deadline:
        time.sleep(0.1)


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
