"""Bundle loading: sibling sections, _metadata, the document-root rule, target checks, connections."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from contractforge.api import load_contract
from contractforge.errors import ContractForgeError
from contractforge.loader.bundle import load_bundle

INGESTION = """\
source:
  type: csv
  path: s3://bucket/orders/
target:
  catalog: acme
  schema: sales_bronze
  table: b_orders
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_siblings_are_attached_under_their_section(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.annotations.yaml": "table:\n  description: Orders.\n",
            "orders.operations.yaml": "criticality: high\nbusiness_owner: sales\n",
            "orders.access.yaml": 'mode: validate_only\ngrants:\n  - {principal: analyst, privileges: "SELECT, DESCRIBE"}\n',
        },
    )
    bundle = load_bundle(tmp_path / "orders.ingestion.yaml")
    assert bundle.annotations.table.description == "Orders."
    assert bundle.operations.ownership.business_owner == "sales"  # flat owner key moved
    assert bundle.access.access_policy.mode == "validate_only"
    assert bundle.access.grants[0].privileges == ("SELECT", "DESCRIBE")
    assert sorted(bundle.paths) == ["access", "annotations", "ingestion", "operations"]


@pytest.mark.parametrize("given", ["orders.ingestion.yaml", "orders.annotations.yaml", "orders", "."])
def test_any_bundle_path_finds_the_ingestion_file(tmp_path, given):
    write(tmp_path, {"orders.ingestion.yaml": INGESTION, "orders.annotations.yaml": "policy: warn\n"})
    assert load_contract(tmp_path / given).path == tmp_path / "orders.ingestion.yaml"


def test_suffix_order_yaml_before_yml_before_json(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.annotations.yml": "table: {description: from yml}\n",
            "orders.annotations.json": '{"table": {"description": "from json"}}',
        },
    )
    assert load_bundle(tmp_path / "orders.ingestion.yaml").annotations.table.description == "from yml"


def test_wrapped_section_file_is_rejected(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.annotations.yaml": "annotations:\n  table: {description: x}\n",
        },
    )
    with pytest.raises(ContractForgeError) as info:
        load_bundle(tmp_path / "orders.ingestion.yaml")
    problem = info.value.problems[0]
    assert "document root" in problem.message
    assert problem.file.endswith("orders.annotations.yaml") and problem.line == 1


def test_sibling_target_must_match(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.operations.yaml": "target:\n  table: b_orders\n  schema: other\ncriticality: low\n",
        },
    )
    with pytest.raises(ContractForgeError) as info:
        load_bundle(tmp_path / "orders.ingestion.yaml")
    problem = info.value.problems[0]
    assert problem.field == "target.schema" and problem.line == 3 and "sales_bronze" in problem.message


def test_matching_sibling_target_is_dropped(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.operations.yaml": "target: {table: b_orders, catalog: acme}\ncriticality: low\n",
        },
    )
    assert load_bundle(tmp_path / "orders.ingestion.yaml").operations.target is None


def test_sibling_target_needs_table(tmp_path):
    write(
        tmp_path,
        {"orders.ingestion.yaml": INGESTION, "orders.access.yaml": "target: {schema: sales_bronze}\n"},
    )
    with pytest.raises(ContractForgeError, match="needs `table`"):
        load_bundle(tmp_path / "orders.ingestion.yaml")


def test_errors_in_a_sibling_point_into_that_file(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.annotations.yaml": "columns:\n  email:\n    pii: true\n",
        },
    )
    with pytest.raises(ContractForgeError) as info:
        load_bundle(tmp_path / "orders.ingestion.yaml")
    problem = info.value.problems[0]
    assert problem.file.endswith("orders.annotations.yaml")
    assert (problem.line, problem.field) == (3, "columns.email.pii")


def test_metadata_is_stripped_and_versions_compared(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": "_metadata: {contract_version: 1.2.0}\n" + INGESTION,
            "orders.annotations.yaml": "_metadata: {contract_version: '2.0'}\npolicy: warn\n",
        },
    )
    bundle = load_bundle(tmp_path / "orders.ingestion.yaml")
    assert bundle.metadata["ingestion"] == {"contract_version": "1.2.0"}
    codes = sorted(w.code for w in bundle.warnings)
    assert codes == ["CONTRACT_VERSION_FORMAT", "CONTRACT_VERSION_MAJOR_MISMATCH"]


def test_sibling_environment_is_validated_separately(tmp_path):
    write(
        tmp_path,
        {
            "orders.ingestion.yaml": INGESTION,
            "orders.environment.yaml": "environment:\n  adapter: aws\n  evidence: {schema: ops}\n",
        },
    )
    bundle = load_bundle(tmp_path / "orders.ingestion.yaml")
    assert bundle.environment.adapter == "aws" and bundle.environment.evidence_database == "ops"
    assert "environment" not in bundle.contract.model_fields_set | set(bundle.contract.model_extra or {})


CONNECTION = """\
type: connector
connector: postgres
system: billing
url: "{{ secret:acme-pg/jdbc_url }}"
auth: {type: basic, username: "{{ secret:acme-pg/user }}", password: "{{ secret:acme-pg/password }}"}
options: {driver: org.postgresql.Driver}
read: {fetchsize: 10000}
"""

CONSUMER = """\
source:
  type: connection
  connection_path: {ref}
  table: public.customers
  read: {{partition_column: id, lower_bound: 1, upper_bound: 9, num_partitions: 2}}
target: {{table: b_customers}}
"""


def test_connection_file_is_deep_merged(tmp_path):
    write(
        tmp_path,
        {
            "project.yaml": "name: p\n",
            "connections/pg.yaml": CONNECTION,
            "contracts/aws/c/c.ingestion.yaml": CONSUMER.format(ref="project://connections/pg.yaml"),
        },
    )
    bundle = load_contract(tmp_path / "contracts/aws/c/c.ingestion.yaml")
    source = bundle.contract.source
    assert (
        source.type == "connector" and source.connector == "postgres" and source.table == "public.customers"
    )
    assert source.read == {
        "fetchsize": 10000,
        "partition_column": "id",
        "lower_bound": 1,
        "upper_bound": 9,
        "num_partitions": 2,
    }
    assert source.connection == "project://connections/pg.yaml"
    assert bundle.paths["connection"] == tmp_path / "connections/pg.yaml"
    # positions: merged keys point into the file they came from
    assert bundle.locate("source.auth.password")[0].endswith("pg.yaml")
    assert bundle.locate("source.table")[0].endswith("c.ingestion.yaml")


def test_connection_under_source_key_and_relative_path(tmp_path):
    wrapped = "source:\n" + textwrap.indent(CONNECTION, "  ")
    write(tmp_path, {"c/pg.yaml": wrapped, "c/c.ingestion.yaml": CONSUMER.format(ref="pg.yaml")})
    assert load_bundle(tmp_path / "c/c.ingestion.yaml").contract.source.connector == "postgres"


@pytest.mark.parametrize(
    "ref, message",
    [
        ("../pg.yaml", "'..' is not allowed"),
        ("/etc/pg.yaml", "absolute connection paths"),
        ("C:\\\\pg.yaml", "absolute connection paths"),
        ("missing.yaml", "connection file not found"),
        ("project://pg.yaml", "project.yaml above"),
    ],
)
def test_bad_connection_paths(tmp_path, ref, message):
    write(tmp_path, {"pg.yaml": CONNECTION, "c/c.ingestion.yaml": CONSUMER.format(ref=f'"{ref}"')})
    with pytest.raises(ContractForgeError) as info:
        load_bundle(tmp_path / "c/c.ingestion.yaml")
    assert message in info.value.problems[0].message
    assert info.value.problems[0].line == 3


def test_connection_of_type_connection_is_refused(tmp_path):
    write(
        tmp_path,
        {
            "c/pg.yaml": "type: connection\nconnection_path: x.yaml\n",
            "c/c.ingestion.yaml": CONSUMER.format(ref="pg.yaml"),
        },
    )
    with pytest.raises(ContractForgeError, match="may not itself be of type"):
        load_bundle(tmp_path / "c/c.ingestion.yaml")


def test_errors_in_a_connection_file_point_into_it(tmp_path):
    write(
        tmp_path,
        {
            "c/pg.yaml": CONNECTION.replace("system:", "sistem:"),
            "c/c.ingestion.yaml": CONSUMER.format(ref="pg.yaml"),
        },
    )
    with pytest.raises(ContractForgeError) as info:
        load_bundle(tmp_path / "c/c.ingestion.yaml")
    problem = info.value.problems[0]
    assert problem.file.endswith("pg.yaml") and problem.line == 3 and problem.suggestion == "system"
