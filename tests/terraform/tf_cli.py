"""Running the real terraform binary offline: find it and the provider mirror, write our own CLI config.

The machine's ``TF_CLI_CONFIG_FILE`` points to a file that does not exist; tests never touch the
process environment and pass a private CLI config (filesystem mirror for hashicorp/aws, no
network) to each subprocess instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MIRROR = Path("/opt/tf-plugins")
MIRROR_ENV = "CONTRACTFORGE_TF_PLUGIN_MIRROR"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def find_terraform() -> str | None:
    return shutil.which("terraform")


def find_mirror() -> Path | None:
    """The filesystem mirror holding registry.terraform.io/hashicorp/aws, if any."""
    candidates = [Path(os.environ[MIRROR_ENV])] if os.environ.get(MIRROR_ENV) else []
    candidates.append(DEFAULT_MIRROR)
    for candidate in candidates:
        if (candidate / AWS_PROVIDER).is_dir() and any((candidate / AWS_PROVIDER).iterdir()):
            return candidate
    return None


def cli_config_text(mirror: Path) -> str:
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f'    include = ["{AWS_PROVIDER}"]\n'
        "  }\n"
        "  direct {\n"
        f'    exclude = ["{AWS_PROVIDER}"]\n'
        "  }\n"
        "}\n"
    )


@dataclass(frozen=True)
class Terraform:
    """The terraform binary plus a subprocess environment using a private CLI config."""

    binary: str
    env: dict[str, str]

    @classmethod
    def offline(
        cls, binary: str, mirror: Path, config_dir: Path, extra_env: dict[str, str] | None = None
    ) -> Terraform:
        config_dir.mkdir(parents=True, exist_ok=True)
        config = config_dir / "terraform.rc"
        config.write_text(cli_config_text(mirror), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(config),
                "CHECKPOINT_DISABLE": "1",
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
            }
        )
        env.update(extra_env or {})
        return cls(binary, env)

    def with_env(self, **extra: str) -> Terraform:
        return Terraform(self.binary, {**self.env, **extra})

    def run(
        self, cwd: Path, *args: str, check: bool = True, timeout: int = 900
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.binary, *args, "-no-color"] if args[0] not in ("fmt", "version") else [self.binary, *args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} failed in {cwd} (rc {result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def init(self, cwd: Path) -> None:
        self.run(cwd, "init", "-backend=false", "-input=false")

    def validate(self, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(cwd, "validate", check=check)


OFFLINE_OVERRIDE_FILE = "offline_override.tf.json"


def write_offline_provider_override(root: Path) -> Path:
    """Let ``terraform plan`` of a root without data sources run with no AWS at all: dummy keys and
    every start-up call skipped (creating resources needs no API call at plan time)."""
    provider = {
        "access_key": "testing",
        "secret_key": "testing",
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "skip_requesting_account_id": True,
    }
    path = root / OFFLINE_OVERRIDE_FILE
    path.write_text(
        json.dumps({"provider": {"aws": provider}}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path
