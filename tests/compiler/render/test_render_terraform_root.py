"""The compiled main.tf.json: module interfaces (python-hcl2), provider schema, tokens, escaping, checkov."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from contractforge.project_plan import ScheduleSettings
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import TERRAFORM_MODULES, load_module_files
from contractforge.render.tf_json import escape, literal, resolve_tokens

from tests.compiler.render.golden import FIXED_RUNTIME, GOLDEN_ROOT, assert_matches_golden, compile_tree
from tests.compiler.render.plans import file_source, jdbc_source, project, rest_source, sql_source, step
from tests.conftest import REFERENCE_PROJECTS, REPO_ROOT
from tests.terraform.provider_schema import check_document

META_ARGUMENTS = {"source", "version", "for_each", "count", "depends_on", "providers", "//"}
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


ANALYST, EU = "arn:aws:iam::111122223333:role/Analyst", "arn:aws:iam::111122223333:role/EuAnalyst"
GOVERNANCE_METADATA = {
    "annotations": {
        "table": {"tags": {"domain": "sales"}},
        "columns": {"email": {"pii": {"type": "email", "sensitivity": "confidential"}}},
    },
    "operations": {
        "alert_on_failure": True,
        "alert_on_quality_fail": True,
        "freshness_sla_minutes": 90,
        "owners": ["orders-team@example.com", "orders-team"],
    },
    "access": {
        "grants": [
            {"principal": ANALYST, "privileges": ["SELECT"]},
            {"principal": EU, "privileges": ["SELECT"]},
        ],
        "row_filters": [
            {
                "name": "eu",
                "function": "f",
                "columns": ["region"],
                "predicate": "region = 'EU'",
                "applies_to": {"principals": [EU]},
            }
        ],
        "column_masks": [{"column": "email", "function": "m", "applies_to": {"principals": [EU]}}],
    },
}


def _governed_sections() -> dict[str, Any]:
    from contractforge.planner.runplan.lake_formation import lake_formation_section

    return {
        "metadata": GOVERNANCE_METADATA,
        "metrics": {
            "namespace": "ContractForge",
            "dimensions": {"Project": "demo", "Target": "demo_bronze.bronze_orders"},
        },
        "lake_formation": lake_formation_section(
            GOVERNANCE_METADATA["annotations"],
            GOVERNANCE_METADATA["access"],
            "demo_bronze",
            "bronze_orders",
            None,
        ),
    }


def full_feature_plan():
    """Every optional part: no artifacts.uri/region (root variables), Lake Formation with an access contract,
    alerts, flexible schedule, environment role on one step, connections, secrets, hash diff, expected
    failure, a diamond DAG."""
    steps = (
        step("bronze_orders", source=file_source(), mode="scd1_hash_diff", sections=_governed_sections(), rules=[
            {"name": "id_not_null", "kind": "not_null", "columns": ["id"], "severity": "quarantine"},
            {"name": "unique_key", "kind": "unique_key", "columns": ["id"], "severity": "abort"},
            {"name": "status_values", "kind": "accepted_values", "columns": ["status"],
             "values": ["paid", 'we"ird', 3, True, None], "severity": "quarantine"},
            {"name": "min_rows", "kind": "min_rows", "value": 10, "severity": "abort"},
            {"name": "amount_nulls", "kind": "max_null_ratio", "columns": ["amount"], "value": 0.1, "severity": "warn"},
            {"name": "positive", "kind": "expression", "expression": "amount >= 0", "severity": "warn"},
        ]),
        step("bronze_customers", source=jdbc_source(), connections=("billing-vpc",), secrets=["billing_pg/user"]),
        step("bronze_rates", source=rest_source(), role_arn="arn:aws:iam::111122223333:role/Existing"),
        step("broken_feed", expected_result="failed", source=file_source("s3://landing-bucket/missing/")),
        step("silver_join", database="demo_silver", depends_on=("bronze_orders", "bronze_customers"),
             source=sql_source("glue_catalog.demo_bronze.bronze_orders", "glue_catalog.demo_bronze.bronze_customers")),
        step("gold", database="demo_gold", depends_on=("silver_join", "bronze_rates"),
             source=sql_source("glue_catalog.demo_silver.silver_join")),
    )  # fmt: skip
    schedule = ScheduleSettings("0 7 * * 1-5", "America/New_York", True, 30, "demo-schedule")
    environment = {
        "parameters": {"aws": {"lake_formation": {"enabled": True}, "step_functions": {"type": "standard"}}}
    }
    return project(*steps, schedule=schedule, artifacts_uri="", region="", environment=environment)


def _full_feature_tree(options: CompileOptions | None = None) -> dict[str, bytes]:
    return render_build(
        full_feature_plan(), options or CompileOptions(), load_module_files(), FIXED_RUNTIME
    ).files


@cache
def _compiled_roots() -> dict[str, dict[str, Any]]:
    roots = {"synthetic/full_feature": json.loads(_full_feature_tree()["main.tf.json"])}
    for example in sorted((REPO_ROOT / "examples").glob("*/project.yaml")):
        roots[f"examples/{example.parent.name}"] = json.loads(compile_tree(example.parent)["main.tf.json"])
    if REFERENCE_PROJECTS.is_dir():
        for reference in sorted(REFERENCE_PROJECTS.glob("*/project.yaml")):
            roots[f"reference/{reference.parent.name}"] = json.loads(
                compile_tree(reference.parent)["main.tf.json"]
            )
    return roots


def test_full_feature_project_matches_golden(update_golden: bool) -> None:
    assert_matches_golden(_full_feature_tree(), GOLDEN_ROOT / "synthetic" / "full_feature", update_golden)


def test_full_feature_root_uses_every_module_and_root_variables() -> None:
    root = json.loads(_full_feature_tree()["main.tf.json"])
    assert set(root["module"]) == {
        "artifacts", "catalog", "glue_roles", "glue_jobs", "orchestration", "schedule", "lakeformation",
        "lakeformation_reads", "dashboard", "alerts", "lf_access", "locks",
    }  # fmt: skip
    modules = sorted(p.name for p in (REPO_ROOT / "terraform" / "modules").iterdir() if p.is_dir())
    modules.remove("orchestration_tree")  # only for projects split into several state machines
    modules.remove("table_maintenance")  # only when the environment schedules maintenance
    assert sorted({call["source"].rsplit("/", 1)[1] for call in root["module"].values()}) == modules
    assert set(root["variable"]) == {"artifact_bucket", "region"}
    assert root["provider"]["aws"]["region"] == "${var.region}"
    assert root["module"]["artifacts"]["bucket"] == "${var.artifact_bucket}"
    # the environment role is used as is; no role is created for that step
    assert "bronze_rates" not in root["module"]["glue_roles"]["for_each"]
    assert (
        root["locals"]["glue_jobs"]["bronze_rates"]["role_arn"] == "arn:aws:iam::111122223333:role/Existing"
    )
    assert root["locals"]["glue_jobs"]["gold"]["role_arn"] == '${module.glue_roles["gold"].role_arn}'
    roles = root["module"]["glue_roles"]
    assert roles["policy_json"] == "${templatefile(each.value.policy_template, local.policy_variables)}"
    template_path = roles["for_each"]["gold"]["policy_template"]
    assert template_path == "${path.root}/artifacts/review/gold/iam_policy.json"
    assert root["locals"]["policy_variables"] == {
        "account_id": "${data.aws_caller_identity.current.account_id}",
        "artifact_bucket": "${var.artifact_bucket}",
        "region": "${var.region}",
    }
    template = _full_feature_tree()["artifacts/review/gold/iam_policy.json"].decode()
    assert "${account_id}" in template and "${region}" in template and "$${" not in template
    assert json.loads(template)["Version"] == "2012-10-17"  # still plain JSON for reviewers
    definition = root["module"]["orchestration"]["definition"]
    assert definition == '${file("${path.root}/artifacts/orchestration/state_machine.asl.json")}'
    reads = root["module"]["lakeformation_reads"]
    assert reads["for_each"]["silver_join"]["databases"] == ["demo_bronze"]
    assert reads["table_permissions"] == ["DESCRIBE", "SELECT"]
    assert "bronze_orders" not in reads["for_each"]  # reads nothing upstream
    alerts = root["module"]["alerts"]
    assert alerts["glue_job_names"] == ["demo-bronze_orders"]
    assert alerts["freshness_alarms"] == {
        "bronze_orders": {"target": "demo_bronze.bronze_orders", "freshness_sla_minutes": 90}
    }
    assert alerts["subscriptions"] == [{"protocol": "email", "endpoint": "orders-team@example.com"}]
    access = root["module"]["lf_access"]
    assert access["lf_tags"]["contractforge_dataset"] == [
        "demo_bronze.bronze_orders", "demo_bronze.bronze_orders:masked:email",
    ]  # fmt: skip
    grants = access["tag_grants"]
    # the analyst sees the masked column; the EU analyst reads through the row filter only
    assert grants[f"{ANALYST}|demo_bronze.bronze_orders"]["expression"]["contractforge_dataset"] == [
        "demo_bronze.bronze_orders", "demo_bronze.bronze_orders:masked:email",
    ]  # fmt: skip
    assert f"{EU}|demo_bronze.bronze_orders" not in grants  # SELECT only, all of it through the filter
    (row_filter,) = access["data_cells_filters"].values()
    assert (row_filter["filter_expression"], row_filter["excluded_columns"]) == ("region = 'EU'", ["email"])
    schedule = root["module"]["schedule"]
    assert (schedule["schedule_expression"], schedule["maximum_window_in_minutes"]) == (
        "cron(0 7 ? * 2-6 *)",
        30,
    )
    assert root["terraform"]["required_providers"]["aws"]["version"] == ">= 5.100, < 7.0"
    assert root["terraform"]["required_version"] == ">= 1.5"
    assert root["//"].startswith("Generated by contractforge")
    assert all(
        isinstance(d, str) and not d.startswith("${") for d in root["module"]["glue_jobs"]["depends_on"]
    )


@cache
def _declared(module: str) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Variables (name → body) and output names declared by terraform/modules/<module>."""
    import hcl2

    options = hcl2.utils.SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
    variables: dict[str, dict[str, Any]] = {}
    outputs: set[str] = set()
    for path in sorted((TERRAFORM_MODULES / module).glob("*.tf")):
        with open(path, encoding="utf-8") as handle:
            document = hcl2.load(handle, serialization_options=options)
        for entry in document.get("variable", []):
            variables.update(entry)
        for entry in document.get("output", []):
            outputs.update(entry)
    return variables, outputs


OUTPUT_REFERENCE = re.compile(r"module\.(\w+)(?:\[[^\]]*\])?\.(\w+)")
FOR_REFERENCE = re.compile(r"for (?:\w+, )?(\w+) in module\.(\w+) : (?:\w+ => )?\1\.(\w+)")


def _referenced_outputs(text: str) -> set[tuple[str, str]]:
    found = set(OUTPUT_REFERENCE.findall(text))
    found |= {(module, output) for _, module, output in FOR_REFERENCE.findall(text)}
    return found


@pytest.mark.parametrize("root_name", sorted(_compiled_roots()))
def test_module_calls_match_module_interfaces(root_name: str) -> None:
    root = _compiled_roots()[root_name]
    sources = {}
    for call, body in root["module"].items():
        assert body["source"].startswith("./modules/"), body["source"]
        module = body["source"][len("./modules/") :]
        sources[call] = module
        variables, _ = _declared(module)
        passed = set(body) - META_ARGUMENTS
        assert passed <= set(variables), f"{call}: undeclared arguments {sorted(passed - set(variables))}"
        required = {name for name, spec in variables.items() if "default" not in spec}
        assert required <= passed, f"{call}: required variables not passed {sorted(required - passed)}"
        _check_each_value_references(root, call, body)
    for call, output in _referenced_outputs(json.dumps(root)):
        _, outputs = _declared(sources[call])
        assert output in outputs, f"module.{call}.{output} is not an output of {sources[call]}"


def _check_each_value_references(root: dict[str, Any], call: str, body: dict[str, Any]) -> None:
    """Every ``each.value.<key>`` the call uses exists in every for_each entry."""
    if "for_each" not in body:
        return
    entries = body["for_each"]
    if entries == "${local.glue_jobs}":
        entries = root["locals"]["glue_jobs"]
    assert isinstance(entries, dict) and entries, call
    used = set(re.findall(r"each\.value\.(\w+)", json.dumps(body)))
    for key, entry in entries.items():
        assert used <= set(entry), f"{call}[{key}] lacks {sorted(used - set(entry))}"


@pytest.mark.parametrize("root_name", sorted(_compiled_roots()))
def test_root_conforms_to_the_provider_schema(root_name: str) -> None:
    root = _compiled_roots()[root_name]
    assert check_document(root) == []
    assert "resource" not in root  # everything lives in modules


def test_endpoint_override_conforms_to_the_provider_schema() -> None:
    tree = _full_feature_tree(CompileOptions(endpoint_url="http://127.0.0.1:5005"))
    assert check_document(json.loads(tree["endpoints_override.tf.json"])) == []


def test_escaping_and_tokens() -> None:
    assert escape("a ${b} %{c} $$.d") == "a $${b} %%{c} $$.d"
    assert literal({"${k}": ["${v}", 1]}) == {"$${k}": ["$${v}", 1]}
    assert resolve_tokens(escape("arn:${account_id}:x ${other}"), {"${account_id}": "data.a.b"}) == (
        "arn:${data.a.b}:x $${other}"
    )


@pytest.mark.skipif(not CHECKOV.is_file(), reason=".venv-checkov is absent (scripts/setup.sh creates it)")
def test_checkov_on_the_compiled_root(tmp_path: Path) -> None:
    """``--framework terraform_json`` on the root (module calls are not followed,
    docs/local-run.md#the-local-stack) and
    ``--framework terraform`` on the vendored HCL modules. checkov 3.3.30's terraform_json parser
    raises on the string attributes of a ``terraform {}`` block, so that block (settings only, no
    resources) is dropped from the copy it scans."""
    out = tmp_path / "root"
    for path, content in _full_feature_tree().items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    json_root = tmp_path / "json_root"
    json_root.mkdir()
    document = json.loads((out / "main.tf.json").read_text())
    document.pop("terraform")
    (json_root / "main.tf.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    config = next(
        (REPO_ROOT / n for n in (".checkov.yaml", ".checkov.yml") if (REPO_ROOT / n).is_file()), None
    )
    summaries, failed = [], []
    for framework, directory in (("terraform_json", json_root), ("terraform", out / "modules")):
        command = [str(CHECKOV), "--skip-download", "--compact", "-o", "json", "--framework", framework]
        command += ["-d", str(directory)] + (["--config-file", str(config)] if config else [])
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        reports = json.loads(done.stdout)
        for report in reports if isinstance(reports, list) else [reports]:
            summaries.append((framework, report["summary"]))
            failed += [
                f"{c['check_id']} {c['resource']} ({c['file_path']})"
                for c in report["results"]["failed_checks"]
            ]
    assert all(summary["parsing_errors"] == 0 for _, summary in summaries), summaries
    assert any(framework == "terraform" and s["resource_count"] > 0 for framework, s in summaries), summaries
    assert not failed, "checkov findings:\n" + "\n".join(sorted(failed))
