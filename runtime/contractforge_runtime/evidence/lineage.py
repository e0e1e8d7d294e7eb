"""OpenLineage RunEvents (spec 2-0-2) for ``ctrl_ingestion_lineage``.

Dataset naming follows the OpenLineage conventions: object-store data is ``(s3://bucket, key)``,
Iceberg tables are named by their location when the plan knows it (else ``(glue_catalog,
db.table)``), JDBC sources ``(postgres://host:port, db.table)``, HTTP sources ``(https://host,
path)``. OpenLineage requires a UUID run id, so ours is mapped with uuid5 and the original kept
in the ``contractforge`` run facet.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import contractforge_runtime
from contractforge_runtime.plan_view import PlanView, SourceView

SPEC_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
SCHEMA_FACET_URL = (
    "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
)
ERROR_FACET_URL = (
    "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet"
)
VERSION_FACET_URL = "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet"
JOB_TYPE_FACET_URL = "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"
PRODUCER = (
    f"https://github.com/contractforge/contractforge-aws/tree/{contractforge_runtime.__version__}/runtime"
)
RUN_ID_NAMESPACE = uuid.UUID("6f1c2b4e-9a7d-5c3e-8f10-2a4b6c8d0e1f")


def openlineage_run_id(run_id: str) -> str:
    return str(uuid.uuid5(RUN_ID_NAMESPACE, run_id))


def schema_fields(schema) -> list[dict] | None:
    """SchemaDatasetFacet fields from a StructType or a list of {"name", "type"} dicts."""
    if schema is None:
        return None
    if hasattr(schema, "fields"):
        return [{"name": f.name, "type": f.dataType.simpleString()} for f in schema.fields]
    return [{"name": f["name"], "type": f["type"]} for f in schema]


def dataset(namespace: str, name: str, schema=None) -> dict:
    facets = {}
    fields = schema_fields(schema)
    if fields is not None:
        facets["schema"] = {"_producer": PRODUCER, "_schemaURL": SCHEMA_FACET_URL, "fields": fields}
    return {"namespace": namespace, "name": name, "facets": facets}


def table_dataset(identifier: str, location: str | None = None, schema=None) -> dict:
    """An Iceberg table: by location when known (the storage identity), else by catalog name."""
    if location:
        parts = urlsplit(location.rstrip("/") + "/" + identifier.split(".")[-1].strip("`"))
        return dataset(f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/"), schema)
    catalog, _, name = identifier.partition(".")
    return dataset(catalog, name.replace("`", ""), schema)


def source_datasets(source: SourceView, schema=None, redact=lambda text: text) -> list[dict]:
    family = source.family
    if source.inputs:  # sql over other tables
        return [table_dataset(identifier) for identifier in source.inputs]
    if family == "catalog" and source.table:
        return [table_dataset(source.table, schema=schema)]
    if family == "jdbc":
        url = redact(source.url or "")
        parts = urlsplit(url[len("jdbc:") :] if url.startswith("jdbc:") else url)
        name = source.table or "query"
        return [
            dataset(f"{parts.scheme}://{parts.netloc}", f"{parts.path.strip('/')}.{name}".strip("."), schema)
        ]
    location = source.path or (source.request or {}).get("url") or source.url
    if location:
        parts = urlsplit(redact(location))
        if parts.scheme:
            return [dataset(f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/"), schema)]
        return [dataset("file", parts.path, schema)]
    options = source.options or {}
    topic = options.get("subscribe")
    if topic:
        servers = options.get("kafka.bootstrap.servers", "kafka")
        return [dataset(f"kafka://{redact(servers).split(',')[0]}", topic, schema)]
    return []


def run_event(
    plan: PlanView,
    run_id: str,
    event_type: str,
    event_time: datetime | None = None,
    input_schema=None,
    output_schema=None,
    error_message: str | None = None,
    redact=lambda text: text,
    input_versions: dict[str, str | None] | None = None,
) -> dict:
    """A complete OpenLineage RunEvent dict (START / COMPLETE / FAIL). ``input_versions``: catalog
    table → the Iceberg snapshot id read (a ``version`` facet on that input)."""
    event_time = (event_time or datetime.now(UTC)).astimezone(UTC)
    target, source = plan.target, plan.source
    run_facets = {
        "contractforge": {
            "_producer": PRODUCER,
            "_schemaURL": SPEC_URL,
            "run_id": run_id,
            "contract_sha256": plan.contract.sha256,
            "mode": plan.write.mode,
        }
    }
    if error_message:
        run_facets["errorMessage"] = {
            "_producer": PRODUCER,
            "_schemaURL": ERROR_FACET_URL,
            "message": redact(error_message),
            "programmingLanguage": "python",
        }
    return {
        "eventType": event_type,
        "eventTime": event_time.isoformat().replace("+00:00", "Z"),
        "producer": PRODUCER,
        "schemaURL": SPEC_URL,
        "run": {"runId": openlineage_run_id(run_id), "facets": run_facets},
        "job": {
            "namespace": plan.project.name or "contractforge",
            "name": plan.step.name or target.identifier,
            "facets": {
                "jobType": {
                    "_producer": PRODUCER,
                    "_schemaURL": JOB_TYPE_FACET_URL,
                    "processingType": "STREAMING" if source.family == "stream" else "BATCH",
                    "integration": "SPARK",
                    "jobType": "JOB",
                }
            },
        },
        "inputs": _versioned(source_datasets(source, input_schema, redact), input_versions or {}),
        "outputs": [table_dataset(target.identifier, target.location, output_schema)],
    }


def _versioned(inputs: list[dict], versions: dict[str, str | None]) -> list[dict]:
    """Inputs named by catalog (``glue_catalog``, ``db.table``) get the snapshot id they were read at."""
    by_name = {table_dataset(t)["name"]: v for t, v in versions.items() if v is not None}
    for item in inputs:
        version = by_name.get(item["name"]) if item["namespace"] == "glue_catalog" else None
        if version is not None:
            item["facets"]["version"] = {
                "_producer": PRODUCER,
                "_schemaURL": VERSION_FACET_URL,
                "datasetVersion": version,
            }
    return inputs


def lineage_row(plan: PlanView, ctx, measured: dict, redact) -> dict:
    """The ctrl_ingestion_lineage row.

    Reads ``measured``: status, finished_at, error_message, and optionally input_schema /
    output_schema (StructType) for the schema facets.
    """
    event_type = "FAIL" if measured.get("status") == "FAILED" else "COMPLETE"
    event = run_event(
        plan,
        ctx.run_id,
        event_type,
        measured.get("finished_at"),
        measured.get("input_schema"),
        measured.get("output_schema"),
        measured.get("error_message"),
        redact,
        measured.get("input_snapshots"),
    )
    inputs = event["inputs"]
    return {
        "run_id": ctx.run_id,
        "event_time_utc": measured.get("finished_at") or datetime.now(UTC),
        "event_type": event_type,
        "target_table": plan.target.identifier,
        "source_table": ",".join(f"{d['namespace']}/{d['name']}" for d in inputs) or None,
        "source_name": plan.source.name or plan.source.system,
        "namespace": event["job"]["namespace"],
        "producer": PRODUCER,
        "event_json": event,
    }
