"""Writes small throw-away projects for planner / run plan / CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ENVIRONMENT = {
    "name": "test",
    "adapter": "aws",
    "evidence": {"database": "cf_test_ops"},
    "artifacts": {"uri": "s3://cf-test-artifacts/project/"},
    "parameters": {"aws": {"region": "us-east-1", "iceberg": {"warehouse": "s3://cf-test-lake/warehouse/"}}},
}


def csv_contract(**overrides: Any) -> dict[str, Any]:
    contract = {
        "source": {"type": "csv", "path": "s3://cf-test-landing/orders/", "options": {"header": True}},
        "target": {"catalog": "cf", "schema": "test_bronze", "table": "b_orders"},
        "layer": "bronze",
        "mode": "append",
    }
    contract.update(overrides)
    return contract


def write_project(root: Path, contracts: dict[str, dict[str, Any]], *, project: dict[str, Any] | None = None,
                  environment: dict[str, Any] | None = None) -> Path:  # fmt: skip
    """``contracts``: step name → ingestion mapping; steps run in the given order."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "environments").mkdir(exist_ok=True)
    (root / "environments" / "aws.environment.yaml").write_text(yaml.safe_dump(environment or ENVIRONMENT))
    steps = []
    for name, contract in contracts.items():
        relative = f"contracts/aws/{name}/{name}.ingestion.yaml"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(yaml.safe_dump(contract, sort_keys=False))
        steps.append({"name": name, "contracts": {"aws": relative}})
    document = {"name": "cf_test", "environments": {"aws": "environments/aws.environment.yaml"},
                "execution_order": steps, **(project or {})}  # fmt: skip
    (root / "project.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root
