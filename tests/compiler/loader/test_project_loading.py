"""Projects: per-environment contract selection, dependency checks, table-ref resolution."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from contractforge.api import load_contract, load_project
from contractforge.errors import ContractForgeError
from contractforge.validation.project_semantics import validate_project

from tests.compiler.project_factory import csv_contract, write_project

ENV = "adapter: aws\nevidence: {database: ops}\n"


def contract_text(table: str, layer: str, source: str = "source: {type: csv, path: 's3://b/x'}") -> str:
    return f"{source}\ntarget: {{catalog: acme, schema: sales_{layer}, table: {table}}}\nlayer: {layer}\n"


def make_project(root: Path, project: str, files: dict[str, str]) -> Path:
    (root / "environments").mkdir(parents=True, exist_ok=True)
    (root / "environments/aws.environment.yaml").write_text(ENV)
    (root / "project.yaml").write_text(textwrap.dedent(project))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


MEDALLION = """\
name: shop
environments: {aws: environments/aws.environment.yaml, gcp: environments/gcp.environment.yaml}
defaults:
  adapters:
    aws: {on_quality_fail: quarantine}
execution_order:
  - name: bronze_orders
    contracts:
      aws: contracts/aws/b.ingestion.yaml
      gcp: contracts/gcp/does-not-exist.ingestion.yaml
  - name: databricks_only
    contracts: {databricks: contracts/databricks/x.ingestion.yaml}
  - name: silver_orders
    depends_on: [bronze_orders, databricks_only]
    expected_result: succeeded
    contracts: {aws: contracts/aws/s.ingestion.yaml}
"""
SQL = "source:\n  type: sql\n  query: SELECT * FROM {{ table_ref:bronze.b_orders }} JOIN {{ table_ref:bronze.b_missing }}"


def test_only_the_selected_adapter_contracts_are_opened(tmp_path):
    # gcp points at a missing file and a broken file: neither may be opened for env aws
    make_project(
        tmp_path,
        MEDALLION,
        {
            "contracts/aws/b.ingestion.yaml": contract_text("b_orders", "bronze"),
            "contracts/aws/s.ingestion.yaml": contract_text("s_orders", "silver", SQL),
            "contracts/databricks/x.ingestion.yaml": "{{{ not yaml",
        },
    )
    project = load_project(tmp_path)
    assert (
        project.name == "shop" and project.env_key == "aws" and project.environment.evidence_database == "ops"
    )
    assert [s.name for s in project.loaded_steps] == ["bronze_orders", "silver_orders"]
    skipped = project.step("databricks_only")
    assert skipped.bundle is None and "aws" in skipped.skipped_reason
    assert any(w.code == "STEP_SKIPPED_FOR_ENVIRONMENT" for w in project.warnings)
    silver = project.step("silver_orders")
    assert silver.depends_on == ("bronze_orders",) and silver.expected_result == "success"
    assert silver.contract_path == "contracts/aws/s.ingestion.yaml"
    assert silver.contract.on_quality_fail == "quarantine"  # defaults.adapters.aws applied


def test_table_refs_resolve_to_the_producing_step_and_unknown_refs_warn(tmp_path):
    make_project(
        tmp_path,
        MEDALLION,
        {
            "contracts/aws/b.ingestion.yaml": contract_text("b_orders", "bronze"),
            "contracts/aws/s.ingestion.yaml": contract_text("s_orders", "silver", SQL),
        },
    )
    project = load_project(tmp_path)
    known, unknown = project.refs
    assert (known.producer, known.via, known.identifier) == (
        "bronze_orders",
        "project_index",
        "glue_catalog.acme_sales_bronze.b_orders",
    )
    assert (unknown.producer, unknown.via, unknown.identifier) == (
        None,
        "layer_convention",
        "glue_catalog.acme_sales_bronze.b_missing",
    )
    [warning] = [w for w in project.warnings if w.code == "TABLE_REF_UNRESOLVED"]
    assert warning.severity == "warning" and warning.line == 3 and warning.field == "source.query"
    assert project.targets[("bronze", "b_orders")].step == "bronze_orders"


def test_ref_and_table_ref_fields(tmp_path):
    source = (
        "source:\n  type: custom_transform\n  inputs:\n    - {alias: a, ref: bronze.b_orders}\n"
        "    - {alias: b, table_ref: {layer: bronze, table: b_orders, schema: other}}"
    )
    make_project(
        tmp_path,
        "name: p\nenvironments: {aws: environments/aws.environment.yaml}\nexecution_order:\n"
        "  - {name: b, contracts: {aws: b.ingestion.yaml}}\n  - {name: g, contracts: {aws: g.ingestion.yaml}}\n",
        {
            "b.ingestion.yaml": contract_text("b_orders", "bronze"),
            "g.ingestion.yaml": contract_text("g", "gold", source),
        },
    )
    first, second = load_project(tmp_path / "project.yaml").refs
    assert first.use.field == "source.inputs[0].ref" and first.producer == "b"
    assert second.via == "explicit" and second.identifier == "glue_catalog.acme_other.b_orders"


def test_unknown_dependency_is_an_error_with_suggestion(tmp_path):
    make_project(
        tmp_path,
        "name: p\nexecution_order:\n  - {name: bronze, contracts: {}}\n"
        "  - name: silver\n    depends_on: bronz\n",
        {},
    )
    with pytest.raises(ContractForgeError) as info:
        load_project(tmp_path)
    problem = info.value.problems[0]
    assert problem.suggestion == "bronze" and problem.line == 5 and problem.file.endswith("project.yaml")


def test_dependency_cycle_is_named(tmp_path):
    make_project(
        tmp_path,
        "name: p\nexecution_order:\n  - {name: a, depends_on: c}\n  - {name: b, depends_on: a}\n"
        "  - {name: c, depends_on: b}\n",
        {},
    )
    with pytest.raises(ContractForgeError, match="dependency cycle: a -> c -> b -> a"):
        load_project(tmp_path)


def test_duplicate_step_names(tmp_path):
    make_project(tmp_path, "name: p\nexecution_order:\n  - {name: a}\n  - {name: a}\n", {})
    with pytest.raises(ContractForgeError, match="used twice"):
        load_project(tmp_path)


def test_unknown_environment_key(tmp_path):
    make_project(tmp_path, "name: p\nenvironments: {aws: environments/aws.environment.yaml}\n", {})
    with pytest.raises(ContractForgeError) as info:
        load_project(tmp_path, env="aws2")
    assert info.value.problems[0].suggestion == "aws"


def test_problems_of_all_steps_are_reported_together(tmp_path):
    make_project(
        tmp_path,
        "name: p\nexecution_order:\n  - {name: a, contracts: {aws: a.ingestion.yaml}}\n"
        "  - {name: b, contracts: {aws: b.ingestion.yaml}}\n  - {name: c, contracts: {aws: missing.yaml}}\n",
        {
            "a.ingestion.yaml": "source: x\ntarget: {table: t}\nmode: bad\n",
            "b.ingestion.yaml": "source: x\ntarget: {tabel: t}\n",
        },
    )
    with pytest.raises(ContractForgeError) as info:
        load_project(tmp_path)
    files = [Path(p.file).name for p in info.value.problems]
    assert files.count("a.ingestion.yaml") == 1 and files.count("b.ingestion.yaml") == 2
    assert any("contract file not found" in p.message for p in info.value.problems)


def test_project_typo_warns_and_descriptive_keys_are_kept(tmp_path):
    make_project(tmp_path, "name: p\nstable_surface: true\nexecution_ordr: []\n", {})
    project = load_project(tmp_path)
    assert [w.code for w in project.warnings if w.code == "PROJECT_UNKNOWN_KEY"] == ["PROJECT_UNKNOWN_KEY"]
    assert project.project.model_extra["stable_surface"] is True


def test_load_contract_inside_a_project_uses_adapter_defaults(tmp_path):
    make_project(
        tmp_path,
        "name: p\ndefaults:\n  adapters:\n    aws: {schemas: {bronze: raw}}\n",
        {"contracts/aws/x/x.ingestion.yaml": "source: x\ntarget: {table: t}\n"},
    )
    bundle = load_contract(tmp_path / "contracts/aws/x")
    assert bundle.contract.target.schema_name == "raw"
    assert bundle.decisions[0]["source"] == "project.defaults.adapters.aws.schemas.bronze"


def test_load_project_from_a_contract_path(tmp_path):
    make_project(
        tmp_path, "name: p\n", {"contracts/aws/x/x.ingestion.yaml": "source: x\ntarget: {table: t}\n"}
    )
    assert load_project(tmp_path / "contracts/aws/x/x.ingestion.yaml").name == "p"


def test_values_filled_from_defaults_are_located_in_project_yaml(tmp_path):
    make_project(
        tmp_path,
        "name: p\ndefaults:\n  adapters:\n    aws:\n      schemas: {bronze: raw}\n",
        {
            "contracts/aws/x/x.ingestion.yaml": "source: x\ntarget: {table: t}\nmode: upsert\nmerge_keys: [id]\n"
        },
    )
    loaded = load_contract(tmp_path / "contracts/aws/x")
    file, line, _ = loaded.locate("target.schema")
    assert file.endswith("project.yaml") and line == 5
    file, line, _ = loaded.locate("quality_rules.unique_key")
    assert file.endswith("x.ingestion.yaml") and line == 4


@pytest.mark.parametrize(
    ("contract", "says"),
    [
        (csv_contract(layer="silver"), "says layer 'silver'"),
        (
            {k: v for k, v in csv_contract().items() if k != "layer"},
            "declares no layer (so 'bronze', the default)",
        ),
    ],
)
def test_a_step_layer_that_disagrees_with_its_contract_names_both(tmp_path, contract, says):
    root = write_project(tmp_path, {"orders": contract})
    document = yaml.safe_load((root / "project.yaml").read_text())
    document["execution_order"][0]["layer"] = "gold"
    (root / "project.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    problems = validate_project(load_project(root))
    [mismatch] = [p for p in problems if p.code == "STEP_LAYER_MISMATCH"]
    assert says in mismatch.message and "has layer 'gold'" in mismatch.message
