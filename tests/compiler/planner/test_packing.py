"""Pack layouts from parameters.aws.packing on a real planned project (orders-medallion + a diamond)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.errors import ContractForgeError
from contractforge.planner.packing import pack_layout

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "orders-medallion"


@pytest.fixture(scope="module")
def plan():
    return plan_project(str(EXAMPLE))


def _with_packing(plan, packing, **step_changes):
    environment = dict(plan.environment)
    parameters = dict(environment.get("parameters") or {})
    parameters["aws"] = {**(parameters.get("aws") or {}), "packing": packing}
    environment["parameters"] = parameters
    steps = tuple(replace(s, **step_changes.get(s.name, {})) for s in plan.steps)
    return replace(plan, environment=environment, steps=steps)


def _diamond(plan):
    """bronze → (silver, gold2) → gold: gold2 is gold_daily_revenue renamed and re-pointed."""
    bronze, silver, gold = plan.steps
    side = replace(gold, name="side", depends_on=("bronze_orders",))
    top = replace(gold, depends_on=("silver_orders", "side"))
    return replace(plan, steps=(bronze, silver, side, top))


def test_none_keeps_one_job_per_step(plan):
    layout = pack_layout(plan)
    assert not layout.packed and [p.steps for p in layout.packs] == [(s.name,) for s in plan.steps]
    assert layout.job_plan(plan) is plan


def test_project_is_one_pack_with_the_most_demanding_settings(plan):
    packed = _with_packing(
        plan,
        "project",
        silver_orders={"glue": replace(plan.steps[1].glue, worker_type="G.2X", number_of_workers=5)},
    )
    [pack] = pack_layout(packed).packs
    assert pack.steps == ("bronze_orders", "silver_orders", "gold_daily_revenue")
    assert (pack.glue.worker_type, pack.glue.number_of_workers) == ("G.2X", 5)
    assert pack.glue.timeout_minutes == sum(s.glue.timeout_minutes for s in plan.steps)
    assert pack.glue.name == "orders_medallion-pack-project"
    assert ("spark.scheduler.mode", "FAIR") in pack.glue.spark_conf
    [unit] = pack_layout(packed).job_plan(packed).steps
    assert (unit.name, unit.depends_on, unit.glue.name) == ("project", (), pack.glue.name)


def test_waves_follow_depends_on_levels(plan):
    layout = pack_layout(_with_packing(_diamond(plan), {"layout": "wave", "max_parallel": 2}))
    assert [(p.name, p.steps, p.depends_on) for p in layout.packs] == [
        ("wave-01", ("bronze_orders",), ()),
        ("wave-02", ("silver_orders", "side"), ("wave-01",)),
        ("wave-03", ("gold_daily_revenue",), ("wave-02",)),
    ]
    assert {p.max_parallel for p in layout.packs} == {2}


def test_groups_pack_named_steps_and_leave_the_rest_alone(plan):
    layout = pack_layout(
        _with_packing(plan, {"groups": {"refined": ["silver_orders", "gold_daily_revenue"]}})
    )
    assert [(p.name, p.steps, p.depends_on) for p in layout.packs] == [
        ("refined", ("silver_orders", "gold_daily_revenue"), ("bronze_orders",)),
        ("bronze_orders", ("bronze_orders",), ()),
    ]


@pytest.mark.parametrize(
    ("packing", "message"),
    [
        ({"groups": {"g": ["nope"]}}, "unknown step"),
        ({"groups": {"ends": ["bronze_orders", "gold_daily_revenue"]}}, "would wait for each other"),
        ({"layout": "everything"}, "is not one of"),
        ({"layout": "groups"}, "needs groups"),
    ],
)
def test_bad_packing_is_refused_by_name(plan, packing, message):
    with pytest.raises(ContractForgeError, match=message) as refused:
        pack_layout(_with_packing(plan, packing))
    assert "parameters.aws.packing" in refused.value.render()


def test_bad_packing_is_refused_before_a_streaming_render_hands_over_any_file(plan):
    from contractforge.render import CompileOptions, load_module_files, load_runtime_files, render_build

    handed: list[str] = []
    with pytest.raises(ContractForgeError, match="unknown step"):
        render_build(
            _with_packing(plan, {"groups": {"g": ["nope"]}}),
            CompileOptions(),
            load_module_files(),
            load_runtime_files(),
            sink=lambda path, content: handed.append(path),
        )
    assert handed == []


def test_steps_are_ordered_by_round_then_list_order_and_cycles_are_named():
    from types import SimpleNamespace

    from contractforge.planner.packing import _ordered

    def step(name, *deps):
        return SimpleNamespace(name=name, depends_on=deps)

    steps = [step("c", "b"), step("a"), step("b", "a", "outside"), step("d"), step("e", "a", "c")]
    assert [s.name for s in _ordered(steps)] == ["a", "d", "b", "c", "e"]
    chain = [step(f"s{i}", *([f"s{i - 1}"] if i else [])) for i in range(3000)][::-1]
    assert [s.name for s in _ordered(chain)] == [f"s{i}" for i in range(3000)]
    with pytest.raises(ContractForgeError, match=r"cycle among \['x', 'y', 'z'\]"):
        _ordered([step("x", "y"), step("y", "x"), step("z", "y"), step("w")])


@pytest.mark.parametrize(
    ("packing", "env_version", "refused"),
    [
        ("packing: project", None, "pack 'project'"),
        ("packing: wave", None, None),  # b and s run in different waves: one version each
        ("packing: {groups: {bs: [b, s]}}", None, "pack 'bs'"),
        ("packing: {groups: {bs: [b, s]}}", "'4.0'", None),  # the environment's 4.0 for both
        ("packing: {groups: {bs: [b, s]}}", "'3.0'", "pack 'bs'"),
    ],
)
def test_a_pack_mixing_glue_versions_is_refused_at_the_environment_line(
    tmp_path, capsys, packing, env_version, refused
):
    import shutil

    from contractforge.cli.main import main

    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parents[1] / "bad_inputs" / "base", root)
    silver = root / "contracts/aws/s/s.ingestion.yaml"
    if env_version != "'4.0'":
        silver.write_text(
            silver.read_text() + "extensions:\n  aws:\n    glue_job:\n      glue_version: '4.0'\n"
        )
    environment = root / "environments/aws.environment.yaml"
    glue = f"    glue_job:\n      glue_version: {env_version}\n" if env_version else ""
    environment.write_text(environment.read_text() + glue + f"    {packing}\n")
    line = len(environment.read_text().splitlines())

    commands = [
        ["validate", str(root)],
        ["plan", str(root)],
        ["compile", str(root), "--out", str(tmp_path / "b")],
    ]
    for command in commands:  # validate sees it too: the versions are resolved without planning
        code = main(command)
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if refused is None:
            assert code == 0, err
            continue
        assert code == 2
        assert f"aws.environment.yaml:{line}" in err and f"{refused} mixes Glue versions" in err, err
