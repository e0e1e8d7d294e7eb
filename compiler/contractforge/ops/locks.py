"""Live target locks of a project, and their deliberate release (``contractforge locks``).

The locks live in the runtime's lock store (``contractforge_runtime.reliability.locks``): the
project's DynamoDB table on AWS (``naming.lock_table_name``), the SQLite file of the local home
(``<home>/locks.sqlite``) locally. Listing reads only the store. A release deletes the lock only
if the named run still holds it, then records a RELEASED_BY_OPERATOR row (who and why) in the
project's ``ctrl_ingestion_locks`` evidence table (Athena on AWS, the local catalog locally).
"""

from __future__ import annotations

import getpass
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contractforge_runtime.evidence.schema import LOCKS
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_store import LockRecord, LockStore, iso

from contractforge import naming
from contractforge.errors import ContractForgeError
from contractforge.ops.local_evidence import local_warehouse
from contractforge.ops.sql_backends import SqlBackend, evidence_insert_statement
from contractforge.project_plan import ProjectPlan

if TYPE_CHECKING:  # boto3 loads only for the DynamoDB lock store
    from contractforge.ops.aws import AwsSession

LIVE, EXPIRED, HOLDER_GONE = "LIVE", "EXPIRED", "HOLDER_GONE"


@dataclass(frozen=True)
class LockView:
    record: LockRecord
    state: str  # LIVE | EXPIRED (the next run takes it) | HOLDER_GONE (the next run takes it at once)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        holder = self.record.holder
        return {
            "target_table": self.record.target,
            "run_id": holder.run_id,
            "holder": holder.describe(),
            "job_name": holder.job_name,
            "since": iso(self.record.acquired_at),
            "expires_at": iso(self.record.expires_at),
            "state": self.state,
            "note": self.note,
        }


def local_store(home: str | Path) -> LockStore:
    """The store ``run --local`` with this home uses (beside its warehouse)."""
    from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore

    return SqliteLockStore(locks.local_lock_path(str(local_warehouse(home).resolve())))


def aws_store(plan: ProjectPlan, session: AwsSession) -> LockStore:
    from contractforge_runtime.reliability.lock_dynamodb import DynamoDbLockStore

    return DynamoDbLockStore(
        naming.lock_table_name(plan.name), dynamodb=session.client("dynamodb"), glue=session.client("glue")
    )


def project_targets(plan: ProjectPlan) -> dict[str, str]:
    """Target identifier → step name, for every step with a run plan."""
    return {
        (s.run_plan or {})["target"]["identifier"]: s.name
        for s in plan.steps
        if (s.run_plan or {}).get("target")
    }


def list_locks(plan: ProjectPlan, store: LockStore, now: float | None = None) -> list[LockView]:
    """The project's locks in the store, each judged: live, expired, or held by a run that is gone."""
    now = time.time() if now is None else now
    targets = project_targets(plan)
    views = []
    for record in store.records():
        if record.target not in targets:
            continue  # the local store is shared by every project of the home
        if record.expired(now):
            views.append(LockView(record, EXPIRED, "TTL passed: the next run takes it over"))
            continue
        gone = store.holder_is_dead(record.holder)
        views.append(
            LockView(record, HOLDER_GONE, f"{gone}: the next run takes it over")
            if gone
            else LockView(record, LIVE)
        )
    return views


def resolve_target(plan: ProjectPlan, target: str) -> str:
    """A step name or a target identifier of the project → the target identifier."""
    targets = project_targets(plan)
    if target in targets:
        return target
    by_step = {step: identifier for identifier, step in targets.items()}
    if target in by_step:
        return by_step[target]
    raise ContractForgeError.single(
        f"{target!r} is neither a step nor a target of project {plan.name}; known: {sorted(by_step)}",
        field="TARGET",
    )


def release_lock(
    plan: ProjectPlan,
    store: LockStore,
    evidence: SqlBackend,
    target: str,
    run_id: str,
    reason: str,
    operator: str,
) -> dict[str, Any]:
    """Release the lock ``run_id`` holds on ``target`` (a step name or identifier) and record who and
    why. Raises LookupError (nothing changed) when that run does not hold it."""
    if not reason.strip():
        raise ContractForgeError.single("a release needs a reason", field="--reason")
    identifier = resolve_target(plan, target)
    row = locks.release_by_operator(store, identifier, run_id, operator, reason.strip())
    evidence.execute(evidence_insert_statement(LOCKS, [row]))
    return row


def local_operator() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


def aws_operator(session: AwsSession) -> str:
    return session.call("sts", "get_caller_identity")["Arn"]
