"""Run id (and recovery hints) in the summary of every Iceberg snapshot a run commits to its target.

``with_commit_properties(spark, {"contractforge.run_id": run_id}, action)`` runs ``action()`` inside
Iceberg's ``CommitMetadata.withCommitProperties``: every commit made on this thread meanwhile —
DataFrameWriterV2 appends and overwrites, MERGE INTO in either write mode, the history and soft-delete
MERGEs — carries the properties in its snapshot summary. The properties are thread-local in the JVM
(py4j pins one JVM thread per Python thread), so steps of a pack writing side by side never see each
other's run id, and evidence appended from other threads is not tagged.

Iceberg 1.10 reads no session conf for snapshot properties; CommitMetadata is its way to tag SQL
writes. The action runs as a Java ``Callable`` calling back into Python (py4j's callback server, as
streaming ``foreachBatch`` does); its Python exception is kept and re-raised as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from contractforge_runtime.environment.iceberg_java import java_class, java_static, per_jvm

T = TypeVar("T")


class _Action:
    def __init__(self, action: Callable[[], T]):
        self.action, self.value, self.error = action, None, None

    def call(self):
        try:
            self.value = self.action()
        except BaseException as error:  # noqa: BLE001 - re-raised unchanged on the Python side
            self.error = error
        return None

    class Java:
        implements = ["java.util.concurrent.Callable"]


def with_commit_properties(spark, properties: dict[str, str], action: Callable[[], T]) -> T:
    """``action()`` with ``properties`` added to the summary of every Iceberg commit it makes."""
    from pyspark.java_gateway import ensure_callback_server_started

    gateway = spark.sparkContext._gateway
    ensure_callback_server_started(gateway)
    java_properties = java_class(spark, "java.util.HashMap")()
    for key, value in properties.items():
        java_properties.put(key, str(value))
    wrapped = _Action(action)
    exception_class = per_jvm(
        spark,
        "class-object:java.lang.RuntimeException",
        lambda: java_static(spark, "java.lang.Class.forName")("java.lang.RuntimeException"),
    )
    java_static(spark, "org.apache.iceberg.spark.CommitMetadata.withCommitProperties")(
        java_properties, wrapped, exception_class
    )
    if wrapped.error is not None:
        raise wrapped.error
    return wrapped.value
