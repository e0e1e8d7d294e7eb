"""The fault hooks are inert unless their variable names the point; a named point kills the process."""

from __future__ import annotations

import subprocess
import sys

from contractforge_runtime.reliability import faults


def test_inert_unless_set(monkeypatch):
    monkeypatch.delenv(faults.FAULT_ENV, raising=False)
    monkeypatch.delenv(faults.PAUSE_ENV, raising=False)
    for point in faults.POINTS:
        faults.fault_point(point)  # returns: nothing is set
    monkeypatch.setenv(faults.FAULT_ENV, "quality")
    faults.fault_point("read")  # another point: still alive


def test_a_named_point_kills_the_process_with_sigkill():
    code = "from contractforge_runtime.reliability.faults import fault_point; fault_point('read'); print('alive')"
    env = {"CONTRACTFORGE_FAULT_AT": "read", "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9 and "alive" not in done.stdout


def test_a_pause_ends_when_its_release_file_exists(monkeypatch, tmp_path):
    release = tmp_path / "release"
    release.touch()
    monkeypatch.setenv(faults.PAUSE_ENV, "write")
    monkeypatch.setenv(faults.PAUSE_UNTIL_ENV, str(release))
    monkeypatch.setenv(faults.PAUSE_SECONDS_ENV, "60")
    faults.fault_point("write")  # returns at once: the file is there
