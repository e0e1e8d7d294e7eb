"""Vega-Lite specs drawn as SVG by vl-convert in worker processes, started before they are needed.

vl-convert holds Python's GIL for the whole of a conversion, the start of its JavaScript engine
included (the first conversion: about half a CPU-second), so a thread cannot start it beside other
Python work: the caller waits for it. A worker is this file run as a script by a fresh interpreter
(``python -I``: it imports only the standard library and vl_convert). It starts its engine at once,
then draws one spec per line of stdin (JSON) into one line of stdout (the SVG as a JSON string, or
``{"error": ...}``). ``ChartRenderer`` starts its workers when it is made, so the engines start on
another core while the caller plans the project and reads the evidence; ``draw`` hands each spec to
the next free worker and returns the SVGs in the order of the specs; ``close`` ends the workers.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import tempfile
from typing import Any

# the first conversion starts the engine; a small chart with a time axis and a legend also warms the
# engine's compiled code for the charts of a report
WARM_UP = {
    "data": {
        "values": [
            {"t": "2026-01-01T00:00:00", "v": 1, "k": "a"},
            {"t": "2026-01-02T00:00:00", "v": 2, "k": "b"},
        ]
    },
    "mark": {"type": "line", "point": True},
    "encoding": {
        "x": {"field": "t", "type": "temporal"},
        "y": {"field": "v", "type": "quantitative"},
        "color": {"field": "k", "type": "nominal"},
    },
}


class ChartRenderError(RuntimeError):
    """vl-convert refused a spec, or a worker ended without answering."""


class ChartRenderer:
    """``workers`` vl-convert worker processes (at least one), started now."""

    def __init__(self, workers: int = 1):
        self._logs = {}  # worker → its stderr, read only when it ends early
        self._workers = []
        for _ in range(max(1, workers)):
            log = tempfile.TemporaryFile()
            worker = subprocess.Popen(
                [sys.executable, "-I", __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
            )
            self._workers.append(worker)
            self._logs[worker] = log

    def draw(self, specs: list[dict[str, Any]]) -> list[str]:
        """The SVG of each spec, drawn by the workers (each one spec at a time, the next free one
        takes the next spec)."""
        svgs: list[str] = [""] * len(specs)
        waiting = list(enumerate(specs))
        busy: dict[subprocess.Popen, int] = {}
        with selectors.DefaultSelector() as selector:

            def hand(worker: subprocess.Popen) -> None:
                index, spec = waiting.pop(0)
                try:
                    worker.stdin.write(json.dumps(spec, default=str).encode() + b"\n")
                    worker.stdin.flush()
                except BrokenPipeError:
                    self._answer(worker)  # it ended: raises with its last words
                busy[worker] = index

            for worker in self._workers:
                selector.register(worker.stdout, selectors.EVENT_READ, worker)
                if waiting:
                    hand(worker)
            while busy:
                for key, _ in selector.select():
                    worker = key.data
                    svgs[busy.pop(worker)] = self._answer(worker)
                    if waiting:
                        hand(worker)
        return svgs

    def _answer(self, worker: subprocess.Popen) -> str:
        line = worker.stdout.readline()
        if not line:
            worker.wait()
            log = self._logs[worker]
            log.seek(0)
            detail = log.read().decode(errors="replace").strip().splitlines()
            raise ChartRenderError(
                f"the chart renderer ended (exit {worker.returncode}): {detail[-1] if detail else 'no message'}"
            )
        answer = json.loads(line)
        if isinstance(answer, dict):
            raise ChartRenderError(f"vl-convert could not draw a chart: {answer['error']}")
        return answer

    def close(self) -> None:
        """End the workers (one still starting its engine is not waited for)."""
        for worker in self._workers:
            worker.kill()
            worker.wait()
            for stream in (worker.stdin, worker.stdout, self._logs[worker]):
                stream.close()

    def __enter__(self) -> ChartRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve() -> None:
    """The worker: start the engine, then one SVG (or error) line per spec line until stdin ends."""
    import vl_convert

    vl_convert.vegalite_to_svg(WARM_UP)
    for line in sys.stdin.buffer:
        try:
            answer: Any = vl_convert.vegalite_to_svg(json.loads(line))
        except Exception as exc:  # the caller raises it with the spec's context
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
