"""Run plans are read by the runtime's own option builders (no Spark needed): the two sides agree."""

from __future__ import annotations

from pathlib import Path

from contractforge.api import plan_project
from contractforge_runtime.sources import BUILTIN_MODULES
from contractforge_runtime.sources.jdbc_options import (
    connection_options,
    partition_options,
    refuse_inline_credentials,
    relation_of,
)
from contractforge_runtime.sources.stream_options import checkpoint_location, source_options

from tests.compiler.project_factory import csv_contract, write_project

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


class FakeSecrets:
    def resolve(self, value):
        return value.replace("{{ secret:pg/user }}", "app").replace("{{ secret:pg/password }}", "pw")


def test_every_runnable_family_has_a_runtime_reader():
    from contractforge.source_families import FAMILY_OF

    runnable = {
        "files",
        "object_storage",
        "incremental_files",
        "catalog",
        "sql",
        "jdbc",
        "http_file",
        "rest_api",
        "stream",
    }
    assert runnable <= set(BUILTIN_MODULES) and runnable <= set(FAMILY_OF.values()) | {"incremental_files"}


def test_jdbc_plan_feeds_the_runtime_jdbc_reader():
    source = plan_project(EXAMPLES / "api-and-postgres").step("bronze_customers").run_plan["source"]
    refuse_inline_credentials(source)
    options = connection_options(source, FakeSecrets())
    assert options["user"] == "app" and options["password"] == "pw" and options["fetchsize"] == "1000"
    assert relation_of(source) == ("table", "public.customers")
    assert partition_options(source["read"])["numPartitions"] == "4"


def test_stream_plans_feed_the_runtime_stream_builder(tmp_path):
    kafka = {"type": "kafka_available_now", "bootstrap_servers": "b-1:9092", "topics": ["a", "b"],
             "checkpoint_location": "s3://b/cp/", "max_offsets_per_trigger": 100}  # fmt: skip
    files = {"type": "json", "path": "s3://b/in/", "intent": "file_stream", "trigger": "available_now",
             "checkpoint_location": "s3://b/cp2/", "read": {"max_files_per_trigger": 5}}  # fmt: skip
    plan = plan_project(write_project(tmp_path / "p", {"k": csv_contract(source=kafka),
                                                       "f": csv_contract(source=files, target={"table": "f"})}))  # fmt: skip
    k_source, f_source = plan.step("k").run_plan["source"], plan.step("f").run_plan["source"]
    assert source_options(k_source)["subscribe"] == "a,b" and checkpoint_location(k_source) == "s3://b/cp/"
    assert source_options(f_source) == {"maxFilesPerTrigger": "5"} and f_source["path"] == "s3://b/in/"
