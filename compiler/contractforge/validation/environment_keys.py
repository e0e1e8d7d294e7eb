"""Environment keys that are accepted but have no effect on AWS: each one set is a diagnostic.

Everything else the environment model accepts is consumed somewhere (docs/governance.md lists the
governance ones; tests/compiler/planner/test_every_key_has_an_effect.py proves it key by key). Only keys
the file actually sets are reported (``model_fields_set``), and unknown keys kept by the open models
under ``parameters.aws`` are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from contractforge.errors import closest
from contractforge.loader.bundle import load_environment_file
from contractforge.models import Environment


@dataclass(frozen=True)
class Unknown:
    """Marks a key no model declares; ``near`` is the declared key it is probably a typo of."""

    near: str | None = None


# key path → why it has no effect
NOT_USED: dict[tuple[str, ...], str] = {
    ("name",): "a label: resources are named after the project and the environment key",
    ("runtime",): "the runtime is always AWS Glue (Spark) with the ContractForge runner",
    ("secrets",): "secrets always come from AWS Secrets Manager ({{ secret:scope/key }} placeholders)",
    ("capabilities",): "capability requirements are not evaluated on AWS",
    ("defaults",): "project defaults belong in project.yaml `defaults`",
    ("deployment",): "deployment settings belong in project.yaml `deployment.aws`",
    ("artifacts", "layout"): "the artifact layout is fixed (docs/compile.md)",
    (
        "artifacts",
        "include_rendered_artifacts",
    ): "rendered artifacts are always published (they are what runs)",
    ("artifacts", "include_manifest"): "the manifest is always published",
    (
        "parameters",
        "aws",
        "step_functions",
        "state_machine_arn",
    ): "the compiled root always owns its state machine",
    ("parameters", "aws", "glue_job", "name"): "job names come from the project and step names",
    ("parameters", "aws", "glue_job", "script_s3_uri"): "the job runs the compiled, content-addressed runner",
    ("parameters", "aws", "glue_job", "description"): "job descriptions are generated from the step",
    ("parameters", "aws", "glue_job", "runtime_mode"): "the only runtime mode is the library runner",
    ("parameters", "aws", "dqdl"): "DQDL rules are rendered from quality_rules for review",
    ("parameters", "aws", "native_passthrough"): "native passthrough is a contract source, not a setting",
}


def _walk(model: BaseModel, path: tuple[str, ...]):
    fields = type(model).model_fields
    for name in sorted(model.model_fields_set & set(fields)):
        field = fields[name]
        key = path + (field.alias or name,)
        yield key, getattr(model, name)
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _walk(value, key)
    for extra in sorted(
        (model.model_extra or {}) if type(model).model_config.get("extra") == "allow" else {}
    ):
        yield path + (extra,), Unknown(closest(extra, [f.alias or n for n, f in fields.items()]))


ALWAYS_ON = (("artifacts", "include_rendered_artifacts"), ("artifacts", "include_manifest"))


def unused_environment_keys(environment: Environment | None) -> list[tuple[str, str, bool]]:
    """(dotted key, reason, unknown) for every key the environment sets that has no effect."""
    if environment is None:
        return []
    found: list[tuple[str, str, bool]] = []
    for key, value in _walk(environment, ()):
        if key in ALWAYS_ON and value is not False:
            continue  # true is what happens anyway
        if key in NOT_USED:
            found.append((".".join(key), NOT_USED[key], False))
        elif isinstance(value, Unknown) and (
            key[0] != "parameters" or key[:2] == ("parameters", "aws") or (len(key) == 2 and value.near)
        ):  # other adapters' parameters are theirs, unless spelt like one we read (`asw`)
            hint = f" (did you mean '{value.near}'?)" if value.near else ""
            found.append((".".join(key), f"not a key ContractForge knows; it is ignored{hint}", True))
    return found


def located_unused_keys(environment: Environment | None, path) -> list[tuple[str, str, bool, int | None]]:
    """``unused_environment_keys`` with each key's line in the environment file at ``path``."""
    unused = unused_environment_keys(environment)
    locator = load_environment_file(path)[1] if unused and path else None
    return [(key, reason, unknown, locator.locate(tuple(key.split(".")), prefer_key=True)[1] if locator else None)
            for key, reason, unknown in unused]  # fmt: skip
