"""The AWS lock store: one DynamoDB table (created by the compiled root), one item per target.

Every change is a conditional write, so two job runs racing for a target get one winner from
DynamoDB itself: ``PutItem`` when the target has no item or its ``expires_at`` has passed,
``UpdateItem`` to take over a dead holder's item only while it is still that holder's,
``DeleteItem`` only by the holder. ``expires_at`` is the table's TTL attribute (DynamoDB deletes
items some time after it passes; the condition does not wait for that). A holder is provably dead
when its Glue job run ended (``glue:GetJobRun``: FAILED / STOPPED / TIMEOUT / ERROR), or, for a
holder that is a process on this host, when that process is gone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from contractforge_runtime.reliability.lock_store import Holder, LockRecord, local_process_gone

DEAD_JOB_RUN_STATES = ("FAILED", "STOPPED", "TIMEOUT", "ERROR")
KEY = "target"
_HOLDER_FIELDS = ("run_id", "host", "pid", "pid_started", "job_name", "job_run_id")


class DynamoDbLockStore:
    def __init__(self, table: str, dynamodb: Any = None, glue: Any = None):
        import boto3

        self.table = table
        self.description = f"DynamoDB lock table {table}"
        self.client = dynamodb or boto3.client("dynamodb")
        self._glue = glue

    @property
    def glue(self) -> Any:
        if self._glue is None:
            import boto3

            self._glue = boto3.client("glue")
        return self._glue

    def put_if_free(self, record: LockRecord, now: float) -> tuple[bool, LockRecord | None]:
        for _ in range(3):  # the item may disappear between a refused put and the read
            try:
                response = self.client.put_item(
                    TableName=self.table,
                    Item=_to_attributes(record.item()),
                    ConditionExpression="attribute_not_exists(#k) OR expires_at <= :now",
                    ExpressionAttributeNames={"#k": KEY},
                    ExpressionAttributeValues={":now": {"N": _number(now)}},
                    ReturnValues="ALL_OLD",
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                current = self.get(record.target)
                if current is not None:
                    return False, current
                continue
            old = response.get("Attributes")
            return True, LockRecord.from_item(_from_attributes(old)) if old else None
        raise RuntimeError(f"{self.description}: the item for {record.target} kept changing")

    def replace(self, record: LockRecord, previous_run_id: str) -> bool:
        item = record.item()
        present = [name for name in item if name != KEY]
        absent = [name for name in _HOLDER_FIELDS if name not in item]
        names = {f"#a{i}": name for i, name in enumerate(present + absent)}
        by_name = {name: alias for alias, name in names.items()}
        expression = "SET " + ", ".join(f"{by_name[n]} = :v{i}" for i, n in enumerate(present))
        if absent:
            expression += " REMOVE " + ", ".join(by_name[n] for n in absent)
        values = {f":v{i}": _attribute(item[n]) for i, n in enumerate(present)}
        values[":previous"] = {"S": previous_run_id}
        try:
            self.client.update_item(
                TableName=self.table,
                Key={KEY: {"S": record.target}},
                UpdateExpression=expression,
                ConditionExpression=f"{by_name['run_id']} = :previous",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def delete(self, target: str, run_id: str) -> bool:
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={KEY: {"S": target}},
                ConditionExpression="run_id = :run_id",
                ExpressionAttributeValues={":run_id": {"S": run_id}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get(self, target: str) -> LockRecord | None:
        response = self.client.get_item(TableName=self.table, Key={KEY: {"S": target}}, ConsistentRead=True)
        item = response.get("Item")
        return LockRecord.from_item(_from_attributes(item)) if item else None

    def records(self) -> list[LockRecord]:
        items: list[dict] = []
        for page in self.client.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            items.extend(page.get("Items", []))
        return sorted((LockRecord.from_item(_from_attributes(i)) for i in items), key=lambda r: r.target)

    def holder_is_dead(self, holder: Holder) -> str | None:
        if not (holder.job_name and holder.job_run_id):
            return local_process_gone(holder)
        try:
            run = self.glue.get_job_run(JobName=holder.job_name, RunId=holder.job_run_id)["JobRun"]
        except self.glue.exceptions.EntityNotFoundException:
            return None  # not provable from here (another account or region): the TTL decides
        state = run.get("JobRunState")
        if state in DEAD_JOB_RUN_STATES:
            return f"Glue job run {holder.job_run_id} of job {holder.job_name} is {state}"
        return None


def _number(value: float | int) -> str:
    return str(Decimal(str(value)))


def _attribute(value: Any) -> dict[str, str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"S": str(value)}
    return {"N": _number(value)}


def _to_attributes(item: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {name: _attribute(value) for name, value in item.items()}


def _from_attributes(attributes: dict[str, dict[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, typed in attributes.items():
        if "N" in typed:
            values[name] = float(typed["N"]) if "." in typed["N"] else int(typed["N"])
        elif "S" in typed:
            values[name] = typed["S"]
    return values
