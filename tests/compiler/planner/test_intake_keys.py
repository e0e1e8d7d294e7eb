"""``extensions.aws.write.sequence_by`` and ``extensions.aws.read.malformed_records`` reach the run
plan where the runtime reads them, and say so where it does not."""

from __future__ import annotations

import pytest
from contractforge.api import plan_project
from contractforge.errors import ContractForgeError

from tests.compiler.project_factory import csv_contract, write_project

UPSERT = {"mode": "upsert", "merge_keys": ["order_id"]}


def _plan(tmp_path, **overrides):
    return plan_project(write_project(tmp_path / "p", {"b_orders": csv_contract(**overrides)}))


def _codes(plan) -> list[tuple[str, str]]:
    return [(d.code, d.field) for step in plan.steps for d in step.diagnostics]


def test_sequence_by_and_malformed_records_reach_the_run_plan(tmp_path):
    aws = {"write": {"sequence_by": ["updated_at"]}, "read": {"malformed_records": "fail"}}
    run_plan = _plan(tmp_path, **UPSERT, extensions={"aws": aws}).step("b_orders").run_plan
    assert run_plan["write"]["sequence_by"] == ["updated_at"]
    assert run_plan["source"]["malformed_records"] == "fail"


def test_absent_keys_leave_the_runtime_defaults(tmp_path):
    run_plan = _plan(tmp_path, **UPSERT).step("b_orders").run_plan
    assert "sequence_by" not in run_plan["write"] and "malformed_records" not in run_plan["source"]


def test_sequence_by_on_append_and_malformed_records_on_a_table_source_are_said_to_have_no_effect(tmp_path):
    aws = {"write": {"sequence_by": ["updated_at"]}, "read": {"malformed_records": "fail"}}
    plan = _plan(tmp_path, source={"type": "table", "table": "cf.raw.orders"}, extensions={"aws": aws})
    codes = _codes(plan)
    assert ("AWS_EXTENSION_NOT_READ", "extensions.aws.write.sequence_by") in codes
    assert ("AWS_EXTENSION_NOT_READ", "extensions.aws.read.malformed_records") in codes
    run_plan = plan.step("b_orders").run_plan
    assert "sequence_by" not in run_plan["write"] and "malformed_records" not in run_plan["source"]


def test_an_unknown_malformed_records_value_is_refused(tmp_path):
    with pytest.raises(ContractForgeError) as refused:
        _plan(tmp_path, extensions={"aws": {"read": {"malformed_records": "drop"}}})
    assert "malformed_records" in str(refused.value)
