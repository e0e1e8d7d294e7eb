"""``endpoints_override.tf.json`` (``compile --endpoint-url``): provider aws pointed at one endpoint.

For tests against moto only: every service the compiled root and the ops commands use, the skip_*
flags that avoid real-AWS calls (``logs`` only: setting ``cloudwatchlogs`` too makes the provider warn), and dummy keys. Terraform merges ``*_override.tf.json`` files into
the ``provider "aws"`` block of main.tf.json. The service list matches tests/terraform/moto_server.py.
"""

from __future__ import annotations

from typing import Any

from contractforge.render.tf_json import escape


def endpoints_override(endpoint_url: str) -> dict[str, Any]:
    """``endpoints_override.tf.json``: provider aws pointed at one endpoint (moto), dummy credentials."""
    return {
        "//": "Test-only provider override written by contractforge compile --endpoint-url; never apply to AWS.",
        "provider": {
            "aws": {
                "access_key": "testing",
                "secret_key": "testing",
                "skip_credentials_validation": True,
                "skip_metadata_api_check": True,
                "skip_region_validation": True,
                # The account ID is asked of the endpoint's STS: with skip_requesting_account_id the
                # provider builds Glue ARNs without an account, reads tags from the wrong ARN and
                # every second plan shows tags_all drift.
                "skip_requesting_account_id": False,
                "s3_use_path_style": True,
                "endpoints": [{service: escape(endpoint_url) for service in ENDPOINT_SERVICES}],
            }
        },
    }


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
