"""moto's server as the AWS that ``terraform apply`` and the ops commands talk to.

Builds on ``tests/aws_fixtures.py`` (one in-process ``ThreadedMotoServer`` on 127.0.0.1 with
``MOTO_PORT`` set and the appendix-B patches for ``glue:startJobRun.sync``) and adds what the
hashicorp/aws provider needs on top:

- ``states:ValidateStateMachineDefinition``, which the provider calls before creating a state
  machine and moto 5.2.5 does not implement (the provider would retry HTTP 500 for minutes):
  answered ``{"result": "OK", "diagnostics": []}``;
- ``states:ListStateMachineVersions``, which the provider calls when reading a state machine
  (also missing): answered from moto's own version records;
- Lake Formation ``ListPermissions`` on LF-tag resources (``moto_lakeformation.py``; moto has no
  data-cells filter API at all, which no patch imitates);
- :func:`endpoints_override` / :func:`write_endpoints_override`: a root-level
  ``endpoints_override.tf.json`` pointing provider "aws" at the server with dummy credentials.

The patches change the fake AWS, never the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.aws_fixtures import ACCOUNT_ID, REGION, FakeAws, apply_fake_aws_patches
from tests.terraform.moto_lakeformation import patch_tag_permission_listing

# Provider endpoint keys (hashicorp/aws 5.x and 6.x both accept these names). "logs" is the
# canonical key of CloudWatch Logs; its aliases "cloudwatchlogs"/"cloudwatchlog" may not be set too
# (the provider warns "Only one of ... should be set"), and "sfn" likewise stands for "stepfunctions".
ENDPOINT_SERVICES = (
    "athena",
    "cloudwatch",
    "dynamodb",
    "events",
    "glue",
    "iam",
    "kms",
    "lakeformation",
    "logs",
    "s3",
    "scheduler",
    "secretsmanager",
    "sfn",
    "sns",
    "sts",
)
OVERRIDE_FILE_NAME = "endpoints_override.tf.json"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "FakeAws",
    "endpoints_override",
    "patch_moto_for_terraform",
    "write_endpoints_override",
]

_PATCHED = False


def _validate_state_machine_definition(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult({"result": "OK", "diagnostics": []})


def _list_state_machine_versions(self: Any) -> Any:
    from moto.core.responses import ActionResult

    machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
    versions = sorted(getattr(machine, "versions", {}).values(), key=lambda v: v.version, reverse=True)
    return ActionResult(
        {
            "stateMachineVersions": [
                {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions
            ]
        }
    )


def patch_moto_for_terraform() -> None:
    """Apply tests/aws_fixtures' patches plus the ValidateStateMachineDefinition action (idempotent)."""
    global _PATCHED
    apply_fake_aws_patches()
    if _PATCHED:
        return
    from moto.stepfunctions.responses import StepFunctionResponse

    if not hasattr(StepFunctionResponse, "validate_state_machine_definition"):
        StepFunctionResponse.validate_state_machine_definition = _validate_state_machine_definition
    if not hasattr(StepFunctionResponse, "list_state_machine_versions"):
        StepFunctionResponse.list_state_machine_versions = _list_state_machine_versions
    patch_tag_permission_listing()
    _PATCHED = True


def endpoints_override(endpoint_url: str, region: str = REGION) -> dict[str, Any]:
    """Terraform JSON for a provider "aws" override pointing every service we use at endpoint_url."""
    return {
        "//": "test-only override: provider aws -> moto server; never commit next to a real root",
        "provider": {
            "aws": {
                "region": region,
                "access_key": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "secret_key": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "skip_credentials_validation": True,
                "skip_metadata_api_check": True,
                "skip_region_validation": True,
                # The account ID is requested from moto's STS (123456789012): with
                # skip_requesting_account_id the provider builds Glue ARNs without an account, so
                # Glue tags are read back from the wrong ARN and every plan shows tag drift.
                "skip_requesting_account_id": False,
                "s3_use_path_style": True,
                "endpoints": [{service: endpoint_url for service in ENDPOINT_SERVICES}],
            }
        },
    }


def write_endpoints_override(root: Path, endpoint_url: str, region: str = REGION) -> Path:
    """Write ``endpoints_override.tf.json`` into a Terraform root (Terraform merges ``*_override`` files)."""
    path = Path(root) / OVERRIDE_FILE_NAME
    path.write_text(json.dumps(endpoints_override(endpoint_url, region), indent=2, sort_keys=True) + "\n")
    return path


def serve(port: int, buckets: tuple[str, ...] = ()) -> None:
    """Run the patched moto server in the foreground (``python -m tests.terraform.moto_server``)."""
    import os
    import signal
    import threading

    from moto.server import ThreadedMotoServer

    from tests.aws_fixtures import FakeAws as _FakeAws

    os.environ["MOTO_PORT"] = str(port)
    patch_moto_for_terraform()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    _FakeAws(port).enable_stepfunctions_execution()  # before any state machine is created
    if buckets:
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name=REGION,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        for bucket in buckets:
            s3.create_bucket(Bucket=bucket)
    print(f"moto (patched for terraform + Step Functions execution) on http://127.0.0.1:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=serve.__doc__)
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument(
        "--write-override",
        metavar="ROOT",
        help="also write endpoints_override.tf.json into this Terraform root, then serve",
    )
    parser.add_argument("--bucket", action="append", default=[], help="create this bucket (repeatable)")
    arguments = parser.parse_args()
    if arguments.write_override:
        print(
            f"wrote {write_endpoints_override(Path(arguments.write_override), f'http://127.0.0.1:{arguments.port}')}"
        )
    serve(arguments.port, tuple(arguments.bucket))
