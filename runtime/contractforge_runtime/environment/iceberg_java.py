"""Iceberg's Java API from the driver, in as few py4j round trips as the answer allows.

Every py4j call is a round trip to the JVM (about 0.1–0.3 ms on an idle machine, a millisecond or
more on a busy one), and naming a class through ``spark._jvm.org.apache.iceberg…`` costs one more
per package segment. So:

- classes are looked up once per JVM (``java_class``) and reused;
- a snapshot crosses as one JSON text (``SnapshotParser.toJson``: id, parent, time, operation and
  the whole summary) instead of one call per field and two per summary entry.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

_held: dict[int, tuple[Any, dict[str, Any]]] = {}  # id(gateway client) → (client, key → object)
_guard = threading.Lock()


def per_jvm(spark, key: str, build: Callable[[], Any]):
    """``build()``'s result, made once per JVM (a restarted session gets its own) and kept."""
    client = spark.sparkContext._jvm._gateway_client
    with _guard:
        held = _held.get(id(client))
        if held is None or held[0] is not client:
            held = _held[id(client)] = (client, {})
        if key in held[1]:
            return held[1][key]
    value = build()
    with _guard:
        return held[1].setdefault(key, value)


def java_class(spark, name: str):
    """The JavaClass ``name`` (dotted, inner classes too: ``a.b.Outer.Inner``), looked up once per JVM."""

    def lookup():
        found = spark.sparkContext._jvm
        for part in name.split("."):
            found = getattr(found, part)
        return found

    return per_jvm(spark, "class:" + name, lookup)


def java_static(spark, name: str):
    """The static method ``name`` (``a.b.Class.method``), looked up once per JVM: py4j otherwise asks
    the JVM what ``Class.method`` is on every call."""
    owner, _, method = name.rpartition(".")
    return per_jvm(spark, "static:" + name, lambda: getattr(java_class(spark, owner), method))


def load_table(spark, identifier: str):
    """The Iceberg Table behind a Spark identifier (``catalog.db.table``); raises when missing."""
    return java_static(spark, "org.apache.iceberg.spark.Spark3Util.loadIcebergTable")(
        spark._jsparkSession, identifier
    )


def snapshot_info(spark, snapshot) -> dict | None:
    """A Java Snapshot as {"snapshot_id": str, "parent_id": int | None, "timestamp_ms": int,
    "operation": str | None, "summary": {str: str}} (summary without the operation): one round trip."""
    if snapshot is None:
        return None
    parsed = json.loads(java_static(spark, "org.apache.iceberg.SnapshotParser.toJson")(snapshot))
    summary = {str(k): str(v) for k, v in (parsed.get("summary") or {}).items()}
    operation = summary.pop("operation", None)
    return {
        "snapshot_id": str(parsed["snapshot-id"]),
        "parent_id": parsed.get("parent-snapshot-id"),
        "timestamp_ms": int(parsed["timestamp-ms"]),
        "operation": operation,
        "summary": summary,
    }


def history(spark, table, limit: int) -> Iterator[dict]:
    """The main branch's snapshots from the head back along their parents (``snapshot_info`` dicts),
    at most ``limit``; two round trips each."""
    info = snapshot_info(spark, table.currentSnapshot())
    for _ in range(limit):
        if info is None:
            return
        yield info
        parent = info["parent_id"]
        info = None if parent is None else snapshot_info(spark, table.snapshot(parent))
