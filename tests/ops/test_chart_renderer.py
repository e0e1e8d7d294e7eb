"""vl-convert worker processes (chart_renderer): the report's charts drawn outside the caller's GIL."""

from __future__ import annotations

import os

import pytest
from contractforge.ops import report_charts
from contractforge.ops.chart_renderer import ChartRenderer, ChartRenderError


def _bars(title: str, values: int) -> dict:
    return report_charts.chart(
        [{"day": f"d{i}", "runs": i + 1} for i in range(values)],
        mark={"type": "bar"},
        encoding={"x": report_charts.channel("day:O"), "y": report_charts.channel("runs:Q")},
        title=title,
    )


def test_two_workers_draw_what_vl_convert_draws_here_in_the_order_of_the_specs():
    specs = [_bars(f"chart {i}", i + 2) for i in range(5)]

    with ChartRenderer(2) as renderer:
        svgs = renderer.draw(specs)
        assert renderer.draw([]) == []

    assert svgs == report_charts.draw_here(specs)
    assert [f"chart {i}" in svg for i, svg in enumerate(svgs)] == [True] * 5


def test_a_spec_vl_convert_refuses_is_an_error_and_the_worker_keeps_drawing():
    with ChartRenderer(1) as renderer:
        with pytest.raises(ChartRenderError, match="could not draw"):
            renderer.draw([{"mark": "bar", "encoding": {"x": {"field": "a", "type": "no-such-type"}}}])
        (svg,) = renderer.draw([_bars("after the error", 2)])

    assert "after the error" in svg


def test_workers_are_processes_of_their_own_and_close_ends_them_while_they_start():
    renderer = ChartRenderer(2)  # vl-convert holds the GIL while it draws: never in this process
    workers = list(renderer._workers)
    renderer.close()  # engines still starting are ended, not waited for

    assert len({worker.pid for worker in workers} - {os.getpid()}) == 2
    assert all(worker.returncode is not None for worker in workers)
