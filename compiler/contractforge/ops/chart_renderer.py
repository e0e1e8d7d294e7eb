"""Vega-Lite specs drawn as SVG by vl-convert in a worker process, started before it is needed.

vl-convert holds Python's GIL for the whole of a conversion, the start of its JavaScript engine
included (the first conversion: about half a CPU-second), so a thread cannot start it beside other
Python work: the caller waits for it. The worker is this file run as a script by a fresh interpreter
that imports only the standard library and vl_convert (``python -I -S`` with vl_convert's directory on
its path: no site processing, whose .pth files cost about 50 ms of start). It starts its engine at once,
then draws one spec per line of stdin (JSON) into one line of stdout (the SVG as a JSON string, or
``{"error": ...}``). ``ChartRenderer`` starts the worker when it is made, so the engine starts on
another core while the caller plans the project and reads the evidence; ``draw`` returns the SVGs of
specs in their order; ``close`` ends the worker.

One worker: a second one halves the drawing when a core is free, but costs another engine start (half
a CPU-second) — on the shared 2-core machine a cold report took 2.3–2.5 CPU-s with one worker and
2.7–3.0 with two, and more wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any


class ChartRenderError(RuntimeError):
    """vl-convert refused a spec, or the worker ended without answering."""


class ChartRenderer:
    """A vl-convert worker process, started now."""

    def __init__(self) -> None:
        self._log = tempfile.TemporaryFile()  # the worker's stderr, read only when it ends early
        spec = find_spec("vl_convert")
        where = str(Path(spec.origin).parent.parent) if spec and spec.origin else ""
        self.worker = subprocess.Popen(
            [sys.executable, "-I", "-S", __file__, where],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )

    def draw(self, specs: list[dict[str, Any]]) -> list[str]:
        """The SVG of each spec, in order (one spec at a time: no pipe fills up)."""
        return [self._draw(spec) for spec in specs]

    def _draw(self, spec: dict[str, Any]) -> str:
        try:
            self.worker.stdin.write(json.dumps(spec, default=str).encode() + b"\n")
            self.worker.stdin.flush()
        except BrokenPipeError:
            pass  # it ended: the answer below says why
        line = self.worker.stdout.readline()
        if not line:
            self.worker.wait()
            self._log.seek(0)
            detail = self._log.read().decode(errors="replace").strip().splitlines()
            raise ChartRenderError(
                f"the chart renderer ended (exit {self.worker.returncode}): {detail[-1] if detail else 'no message'}"
            )
        answer = json.loads(line)
        if isinstance(answer, dict):
            raise ChartRenderError(f"vl-convert could not draw a chart: {answer['error']}")
        return answer

    def close(self) -> None:
        """End the worker (one still starting its engine is not waited for)."""
        self.worker.kill()
        self.worker.wait()
        for stream in (self.worker.stdin, self.worker.stdout, self._log):
            stream.close()

    def __enter__(self) -> ChartRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(where: str) -> None:
    """The worker: start the engine, then one SVG (or error) line per spec line until stdin ends."""
    sys.path.append(where)
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point"})  # the first conversion starts the engine
    for line in sys.stdin.buffer:
        try:
            answer: Any = vl_convert.vegalite_to_svg(json.loads(line))
        except Exception as exc:  # the caller raises it
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
