"""The vl-convert worker process (chart_renderer): the report's charts drawn outside the caller's GIL."""

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


def test_the_worker_draws_what_vl_convert_draws_here_in_the_order_of_the_specs():
    specs = [_bars(f"chart {i}", i + 2) for i in range(4)]

    with ChartRenderer() as renderer:
        svgs = renderer.draw(specs)
        assert renderer.draw([]) == []

    assert svgs == report_charts.draw_here(specs)
    assert [f"chart {i}" in svg for i, svg in enumerate(svgs)] == [True] * 4


def test_a_spec_vl_convert_refuses_is_an_error_and_the_worker_keeps_drawing():
    with ChartRenderer() as renderer:
        with pytest.raises(ChartRenderError, match="could not draw"):
            renderer.draw([{"mark": "bar", "encoding": {"x": {"field": "a", "type": "no-such-type"}}}])
        (svg,) = renderer.draw([_bars("after the error", 2)])

    assert "after the error" in svg


def test_a_worker_that_ended_is_an_error_not_a_hang():
    with ChartRenderer() as renderer:
        renderer.worker.kill()
        with pytest.raises(ChartRenderError, match="the chart renderer ended"):
            renderer.draw([_bars("never drawn", 2)])


def test_the_worker_is_a_process_of_its_own_and_close_ends_it_while_it_starts():
    renderer = ChartRenderer()  # vl-convert holds the GIL while it draws: never in this process
    renderer.close()  # an engine still starting is ended, not waited for

    assert renderer.worker.pid != os.getpid() and renderer.worker.returncode is not None
