"""The project graph: other platforms' extra tasks, and DAGs of any depth without recursion."""

from __future__ import annotations

import pytest
from contractforge.api import load_project
from contractforge.errors import ContractForgeError

from tests.compiler.loader.test_project_loading import contract_text, make_project

WITH_PRE_TASK = """\
name: p
schedule:
  cron: "0 6 * * *"
  adapters:
    databricks:
      extra_tasks:
        - {name: verify_source, notebook_path: ./notebooks/verify.py}
execution_order:
  - name: bronze
    depends_on: [verify_source]
    contracts: {aws: contracts/aws/b.ingestion.yaml}
  - name: silver
    depends_on: [bronze]
    contracts: {aws: contracts/aws/s.ingestion.yaml}
"""


def test_a_dependency_on_another_platforms_extra_task_is_dropped_with_a_note(tmp_path) -> None:
    make_project(
        tmp_path,
        WITH_PRE_TASK,
        {
            "contracts/aws/b.ingestion.yaml": contract_text("b_x", "bronze"),
            "contracts/aws/s.ingestion.yaml": contract_text("s_x", "silver"),
        },
    )
    project = load_project(tmp_path)
    assert project.step("bronze").depends_on == ()
    assert project.step("silver").depends_on == ("bronze",)
    note = next(w for w in project.warnings if w.code == "PLATFORM_ONLY_DEPENDENCY")
    assert note.severity == "info" and "verify_source" in note.message and "databricks" in note.message
    assert note.line == 10


def test_an_unknown_dependency_is_still_an_error(tmp_path) -> None:
    make_project(tmp_path, WITH_PRE_TASK.replace("[verify_source]", "[verify_sourc3]"), {})
    with pytest.raises(ContractForgeError, match="unknown step 'verify_sourc3'"):
        load_project(tmp_path)


def test_a_chain_of_thousands_of_steps_is_checked_without_recursion(tmp_path) -> None:
    lines = ["name: p", "execution_order:"]
    lines += [f"  - {{name: s{i}, depends_on: [s{i - 1}]}}" if i else "  - {name: s0}" for i in range(3000)]
    make_project(tmp_path, "\n".join(lines) + "\n", {})
    assert len(load_project(tmp_path).steps) == 3000
    (tmp_path / "project.yaml").write_text(
        "\n".join([*lines, "  - {name: s0b, depends_on: [s2999]}"]).replace(
            "{name: s0}", "{name: s0, depends_on: [s2999]}"
        )
        + "\n"
    )
    with pytest.raises(ContractForgeError, match="dependency cycle: s0 -> s2999"):
        load_project(tmp_path)
