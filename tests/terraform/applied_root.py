"""Apply a Terraform root to moto's server and hand back what a test needs to inspect it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from tests.terraform.moto_server import DUMMY_CREDENTIALS, REGION, FakeAws, write_endpoints_override
from tests.terraform.tf_cli import Terraform


@dataclass(frozen=True)
class AppliedRoot:
    root: Path
    fake: FakeAws
    terraform: Terraform
    outputs: dict[str, Any]
    resource_addresses: tuple[str, ...]
    targets: tuple[str, ...] = ()  # -target addresses the apply was limited to (none: everything)

    def client(self, service: str) -> Any:
        return aws_client(self.fake, service)

    def plan_exit_code(self) -> tuple[int, str]:
        """``terraform plan -detailed-exitcode`` (same targets as the apply): 0 = no changes, 2 = changes,
        1 = error."""
        args = ["plan", "-detailed-exitcode", "-input=false", *_target_args(self.targets)]
        result = self.terraform.run(self.root, *args, check=False)
        return result.returncode, result.stdout + result.stderr


def _target_args(targets: tuple[str, ...]) -> list[str]:
    return [f"-target={address}" for address in targets]


def aws_client(fake: FakeAws, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=fake.endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def apply_to_moto(
    terraform: Terraform,
    root: Path,
    fake: FakeAws,
    variables: dict[str, str] | None = None,
    write_override: bool = True,
    targets: tuple[str, ...] = (),
) -> AppliedRoot:
    """init + apply ``root`` against ``fake``. The provider override file is written into the root
    unless the root already carries one (``contractforge compile --endpoint-url``). ``targets`` limits
    the apply to those addresses (what moto cannot create left out, the test says which)."""
    if write_override:
        write_endpoints_override(root, fake.endpoint_url)
    for name, value in (variables or {}).items():
        terraform = terraform.with_env(**{f"TF_VAR_{name}": value})
    terraform.init(root)
    terraform.run(root, "apply", "-auto-approve", "-input=false", *_target_args(targets))
    outputs = {k: v["value"] for k, v in json.loads(terraform.run(root, "output", "-json").stdout).items()}
    # `state list` reads the state only; `show -json` would start the provider for its schema (~5 s).
    listed = terraform.run(root, "state", "list").stdout.split()
    return AppliedRoot(
        root,
        fake,
        terraform,
        outputs,
        tuple(sorted(address for address in listed if _is_managed(address))),
        tuple(targets),
    )


def _is_managed(address: str) -> bool:
    """A resource address of ``terraform state list`` that is not a data source
    (``module.<name>[key]`` segments are skipped; ``data.`` then marks a data source)."""
    segments = re.findall(r'(?:[^.\["]+|\[(?:"[^"]*"|[^\]]*)\])+', address)
    while len(segments) > 2 and segments[0] == "module":
        segments = segments[2:]
    return segments[0] != "data"
