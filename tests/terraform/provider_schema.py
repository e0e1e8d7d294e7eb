"""Offline check of Terraform resource bodies against the hashicorp/aws provider schema.

The schema subset lives in ``tests/data/aws-provider-schema.subset.json`` (provider 6.25.0, the
resource types ContractForge emits; see ../shared/schemas/README.md for its layout). It finds
what ``terraform validate`` would reject without needing terraform: unknown arguments or blocks,
missing required ones, blocks written as attributes (and the reverse), repeated single blocks, and
arguments that only one provider major version has (we support ``>= 5.100, < 7.0``).

Bodies come from either source:
- python-hcl2 8.x with ``SerializationOptions(strip_string_quotes=True, explicit_blocks=True)``:
  nested blocks are lists of dicts marked ``"__is_block__": True`` (see :func:`load_hcl`);
- Terraform JSON (``main.tf.json``): a nested block is an object or a list of objects.

Typical use::

    problems = check_document(load_hcl(path))             # every resource in an HCL file
    problems = check_document(json.loads(tf_json_text))    # every resource in a .tf.json root
    problems = check_resource("aws_glue_job", body)        # one body
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SUBSET_PATH = Path(__file__).resolve().parents[1] / "data" / "aws-provider-schema.subset.json"
FULL_SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "aws-provider-schema.json"

# Resource types ContractForge's modules and compiled roots emit (kept in the subset file).
SUBSET_TYPES = (
    "aws_cloudwatch_log_group",
    "aws_dynamodb_table",
    "aws_glue_catalog_database",
    "aws_glue_job",
    "aws_glue_security_configuration",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_lakeformation_permissions",
    "aws_s3_object",
    "aws_scheduler_schedule",
    "aws_sfn_state_machine",
)

META_ARGUMENTS = frozenset(
    {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
)
# Arguments present in provider 6.x but not in 5.x at the top level of every resource.
SIX_ONLY_TOP_LEVEL = frozenset({"region"})
HCL_BLOCK_MARK = "__is_block__"
JSON_COMMENT = "//"


@dataclass(frozen=True)
class SchemaProblem:
    address: str  # e.g. aws_glue_job.this.command
    message: str

    def __str__(self) -> str:
        return f"{self.address}: {self.message}"


@lru_cache(maxsize=4)
def load_schema(path: Path = SUBSET_PATH) -> dict[str, Any]:
    """The subset, plus the alerting / Lake Formation entries taken from the real provider
    (provider_schema_terraform.py) when reading the default subset."""
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    if Path(path) == SUBSET_PATH:
        from tests.terraform.provider_schema_terraform import TERRAFORM_SUBSET_PATH

        extra = json.loads(TERRAFORM_SUBSET_PATH.read_text(encoding="utf-8"))["resources"]
        schema["resources"] = {**schema["resources"], **extra}
    return schema


def load_hcl(path: Path) -> dict[str, Any]:
    """Parse an HCL file with python-hcl2, marking blocks so nesting can be checked exactly."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=True)
    with open(path, encoding="utf-8") as handle:
        return hcl2.load(handle, serialization_options=options)


def iter_resources(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (type, name, body) for each resource of an hcl2-parsed file or a Terraform JSON root."""
    sections = document.get("resource", [])
    if isinstance(sections, Mapping):  # Terraform JSON: {"type": {"name": body}}
        sections = [sections]
    for section in sections:
        for resource_type, named in section.items():
            if resource_type == JSON_COMMENT:
                continue
            for name, body in named.items():
                if name == JSON_COMMENT:
                    continue
                for one in body if isinstance(body, list) else [body]:
                    yield resource_type, name, one


def check_document(
    document: Mapping[str, Any], schema: Mapping[str, Any] | None = None
) -> list[SchemaProblem]:
    """Check every resource (and every ``provider "aws"`` block) of one parsed document."""
    schema = schema or load_schema()
    problems: list[SchemaProblem] = []
    for resource_type, name, body in iter_resources(document):
        problems.extend(check_resource(resource_type, body, schema, address=f"{resource_type}.{name}"))
    providers = document.get("provider", [])
    if isinstance(providers, Mapping):
        providers = [providers]
    for section in providers:
        for provider_name, bodies in section.items():
            if provider_name != "aws":
                continue
            for body in bodies if isinstance(bodies, list) else [bodies]:
                problems.extend(check_provider(body, schema))
    return problems


def check_provider(body: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> list[SchemaProblem]:
    schema = schema or load_schema()
    return _check_body(
        schema["provider_block"], body, 'provider "aws"', allow_meta=False, hcl=HCL_BLOCK_MARK in body
    )


def check_resource(
    resource_type: str,
    body: Mapping[str, Any],
    schema: Mapping[str, Any] | None = None,
    address: str | None = None,
) -> list[SchemaProblem]:
    """Problems of one resource body (empty list = conforms to the provider schema)."""
    schema = schema or load_schema()
    address = address or resource_type
    resource_schema = schema["resources"].get(resource_type)
    if resource_schema is None:
        known = ", ".join(sorted(schema["resources"]))
        return [
            SchemaProblem(address, f"resource type {resource_type!r} is not in the schema subset ({known})")
        ]
    problems = _check_body(resource_schema, body, address, allow_meta=True, hcl=HCL_BLOCK_MARK in body)
    for argument in sorted(SIX_ONLY_TOP_LEVEL & set(body)):
        problems.append(
            SchemaProblem(
                f"{address}.{argument}",
                "exists only in provider 6.x (per-resource region); the constraint >= 5.100, < 7.0 forbids it",
            )
        )
    return problems


def _check_body(
    block_schema: Mapping[str, Any], body: Mapping[str, Any], address: str, allow_meta: bool, hcl: bool
) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    attributes: Mapping[str, Any] = block_schema.get("attributes", {})
    blocks: Mapping[str, Any] = block_schema.get("blocks", {})
    computed = set(block_schema.get("computed", ()))
    present = {
        key for key in body if key not in (HCL_BLOCK_MARK, JSON_COMMENT, "__comments__")
    }  # python-hcl2 keeps in-block comments (checkov skips) there

    for key in sorted(present):
        value = body[key]
        where = f"{address}.{key}"
        if key == "dynamic":
            problems.extend(_check_dynamic(blocks, value, address, hcl))
        elif allow_meta and key in META_ARGUMENTS:
            continue
        elif key in attributes:
            if _written_as_block(value):
                problems.append(SchemaProblem(where, "is an attribute: write `name = value`, not a block"))
            elif (message := _type_problem(attributes[key].get("type", ""), value)) is not None:
                problems.append(SchemaProblem(where, message))
        elif key in blocks:
            problems.extend(_check_block(blocks[key], value, where, hcl))
        elif key in computed:
            problems.append(SchemaProblem(where, "is read-only (computed): it cannot be set"))
        else:
            candidates = sorted(set(attributes) | set(blocks))
            close = difflib.get_close_matches(key, candidates, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(SchemaProblem(where, f"unknown argument or block{hint}"))

    dynamic_names = _dynamic_block_names(body.get("dynamic"))
    for name, spec in attributes.items():
        if spec.get("required") and name not in present:
            problems.append(SchemaProblem(f"{address}.{name}", "required attribute is missing"))
    for name, spec in blocks.items():
        if spec.get("required") and name not in present and name not in dynamic_names:
            problems.append(SchemaProblem(f"{address}.{name}", "required block is missing"))
    return problems


def _check_block(block_schema: Mapping[str, Any], value: Any, address: str, hcl: bool) -> list[SchemaProblem]:
    if value == [] and not hcl:  # Terraform JSON: an empty array is zero blocks
        return []
    if isinstance(value, Mapping) and not hcl:  # Terraform JSON: one block as an object
        instances: list[Mapping[str, Any]] = [value]
    elif isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        instances = list(value)
    else:
        instances = []
    if not instances or (hcl and not all(item.get(HCL_BLOCK_MARK) for item in instances)):
        syntax = "`name { ... }`" if hcl else "an object or a list of objects"
        return [SchemaProblem(address, f"is a nested block: write {syntax}, not an attribute value")]
    problems: list[SchemaProblem] = []
    if block_schema.get("nesting") == "single" and len(instances) > 1:
        problems.append(SchemaProblem(address, f"at most one block allowed, found {len(instances)}"))
    for index, instance in enumerate(instances):
        where = address if len(instances) == 1 else f"{address}[{index}]"
        problems.extend(_check_body(block_schema, instance, where, allow_meta=False, hcl=hcl))
    return problems


def _check_dynamic(blocks: Mapping[str, Any], value: Any, address: str, hcl: bool) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    for section in value if isinstance(value, list) else [value]:
        for name, spec in section.items():
            if name in (HCL_BLOCK_MARK, JSON_COMMENT):
                continue
            where = f"{address}.dynamic.{name}"
            if name not in blocks:
                problems.append(SchemaProblem(where, "dynamic block of an unknown block type"))
                continue
            for one in spec if isinstance(spec, list) else [spec]:
                content = one.get("content", [{}])
                for body in content if isinstance(content, list) else [content]:
                    problems.extend(_check_body(blocks[name], body, where, allow_meta=False, hcl=hcl))
    return problems


def _dynamic_block_names(value: Any) -> set[str]:
    names: set[str] = set()
    for section in value if isinstance(value, list) else ([value] if value else []):
        names.update(k for k in section if k not in (HCL_BLOCK_MARK, JSON_COMMENT))
    return names


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def _type_problem(expected: str, value: Any) -> str | None:
    """A literal value Terraform could not convert to the attribute's type (expressions are skipped)."""
    if value is None or _is_expression(value):
        return None
    if expected == "bool":
        ok = isinstance(value, bool) or value in ("true", "false")
    elif expected == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(value, str):
            try:
                float(value)
                ok = True
            except ValueError:
                ok = False
    elif expected == "string":
        ok = isinstance(value, str | int | float | bool)
    elif expected.startswith(("list(", "set(")):
        ok = isinstance(value, list)
    elif expected.startswith("map("):
        ok = isinstance(value, Mapping)
    else:
        ok = True
    return None if ok else f"expects {expected}, got {json.dumps(value)[:60]}"


def _written_as_block(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(isinstance(item, Mapping) and item.get(HCL_BLOCK_MARK) for item in items)


def write_subset(source: Path = FULL_SCHEMA_PATH, target: Path = SUBSET_PATH) -> None:
    """Regenerate the committed subset from the full shared schema (python provider_schema.py --refresh)."""
    full = json.loads(Path(source).read_text(encoding="utf-8"))
    subset = {
        "provider": full["provider"],
        "provider_version": full["provider_version"],
        "source": full["source"],
        "provider_block": full["provider_block"],
        "resources": {name: full["resources"][name] for name in SUBSET_TYPES},
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(subset, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--refresh"]:
        write_subset()
        print(f"wrote {SUBSET_PATH}")
    else:
        for file_name in sys.argv[1:]:
            text = Path(file_name).read_text(encoding="utf-8")
            document = json.loads(text) if file_name.endswith(".json") else load_hcl(Path(file_name))
            for problem in check_document(document):
                print(f"{file_name}: {problem}")
