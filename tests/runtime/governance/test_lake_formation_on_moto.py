"""The runner's Lake Formation side against moto's server through real boto3: LF-tags attached where they
differ, declared access verified or reported as drift, unmanaged grants found and revoked on request."""

from __future__ import annotations

import boto3
import pytest
from contractforge_runtime.governance import lake_formation as lf

from tests.aws_fixtures import moto_server_fixtures

pytestmark = pytest.mark.aws
moto_server, moto = moto_server_fixtures()

ANALYST = "arn:aws:iam::123456789012:role/Analyst"
INTRUDER = "arn:aws:iam::123456789012:role/Intruder"
DATASET = "crm_bronze.b_customers"
PLAN = {
    "target": {"database": "crm_bronze", "table": "b_customers"},
    "lake_formation": {
        "table_tags": {"contractforge_dataset": DATASET, "domain": "crm"},
        "column_tags": {"email": {"pii_sensitivity": "confidential", "pii_type": "email"}},
    },
    "metadata": {
        "access": {
            "access_policy": {"mode": "apply", "on_drift": "reconcile", "revoke_unmanaged": True},
            "grants": [{"principal": ANALYST, "privileges": ["SELECT", "DESCRIBE"]}],
        }
    },
}


@pytest.fixture
def client(moto):
    lakeformation = boto3.client("lakeformation", endpoint_url=moto.endpoint_url)
    for key, values in {
        "contractforge_dataset": [DATASET],
        "domain": ["crm"],
        "pii_sensitivity": ["confidential"],
        "pii_type": ["email"],
    }.items():
        lakeformation.create_lf_tag(TagKey=key, TagValues=values)  # what module lf_access creates
    return lakeformation


def _tag_grant(client, principal: str, permissions: list[str]) -> None:
    client.grant_permissions(
        Principal={"DataLakePrincipalIdentifier": principal},
        Resource={"LFTagPolicy": {"ResourceType": "TABLE",
                                  "Expression": [{"TagKey": "contractforge_dataset", "TagValues": [DATASET]}]}},
        Permissions=permissions,
    )  # fmt: skip


def test_tags_are_attached_once(client):
    rows = lf.attach_tags(client, PLAN, {"run_id": "r1"})
    assert {(r["column_name"], r["object_name"], r["status"]) for r in rows} == {
        (None, "contractforge_dataset", "APPLIED"),
        (None, "domain", "APPLIED"),
        ("email", "pii_sensitivity", "APPLIED"),
        ("email", "pii_type", "APPLIED"),
    }
    table = {"DatabaseName": "crm_bronze", "Name": "b_customers"}
    on_table = client.get_resource_lf_tags(Resource={"Table": table})["LFTagsOnTable"]
    assert {t["TagKey"]: t["TagValues"] for t in on_table} == {
        "contractforge_dataset": [DATASET],
        "domain": ["crm"],
    }
    columns = client.get_resource_lf_tags(Resource={"TableWithColumns": {**table, "ColumnNames": ["email"]}})
    assert {t["TagKey"] for t in columns["LFTagsOnColumns"][0]["LFTags"]} == {"pii_sensitivity", "pii_type"}
    again = lf.attach_tags(client, PLAN, {"run_id": "r2"})
    assert {r["status"] for r in again} == {"UNCHANGED"}


def test_missing_grant_is_drift_then_verified(client):
    (row,) = lf.check_access(client, PLAN, {"run_id": "r1"})
    assert (row["principal"], row["status"], row["privilege"]) == (ANALYST, "DRIFT", "DESCRIBE|SELECT")
    _tag_grant(client, ANALYST, ["DESCRIBE", "SELECT"])
    (row,) = lf.check_access(client, PLAN, {"run_id": "r2"})
    assert row["status"] == "VERIFIED"


def test_unmanaged_grant_is_drift_and_revoked_on_reconcile(client):
    _tag_grant(client, ANALYST, ["DESCRIBE", "SELECT"])
    _tag_grant(client, INTRUDER, ["SELECT"])
    rows = lf.check_access(client, PLAN, {"run_id": "r1"})
    (unmanaged,) = [r for r in rows if r["action"] == "unmanaged_grant"]
    assert (unmanaged["principal"], unmanaged["status"]) == (INTRUDER, "DRIFT")
    lf.revoke_unmanaged(client, rows, None)
    assert unmanaged["status"] == "REVOKED"
    after = lf.check_access(client, PLAN, {"run_id": "r2"})
    assert [r["principal"] for r in after] == [ANALYST]


def test_without_lake_formation_every_declared_item_is_a_not_verified_row():
    plan = {**PLAN, "metadata": {"access": {**PLAN["metadata"]["access"], "row_filters": [
        {"name": "eu", "function": "f", "columns": ["region"], "predicate": "region = 'EU'"}]}}}  # fmt: skip
    rows = lf.check_access(None, plan, {"run_id": "r1"})
    assert [(r["access_type"], r["status"]) for r in rows] == [
        ("grant", "NOT_VERIFIED"),
        ("row_filter", "NOT_VERIFIED"),
    ]
