"""Where the compiled root takes its Terraform modules from: vendored copies of terraform/modules/ or a
pinned git source (``--module-source``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from contractforge.errors import ContractForgeError

MODULES_DIR = "modules"
VENDORED = "vendored"
GIT_SOURCE = re.compile(r"^git::[^?]+\?ref=[A-Za-z0-9._/-]+$")


def module_source(module_source: str) -> Callable[[str], str]:
    """Module name → its ``source`` in main.tf.json. The modules are the folders of
    terraform/modules/: vendored ones are copied from there (``_add_vendored_modules``)."""
    if module_source == VENDORED:
        return lambda name: f"./{MODULES_DIR}/{name}"
    if not GIT_SOURCE.match(module_source):
        raise ContractForgeError.single(
            f"{module_source!r} must be 'vendored' or a pinned git source",
            file="--module-source",
            suggestion="e.g. git::https://github.com/acme/contractforge.git?ref=v0.1.0",
        )
    base, query = module_source.split("?", 1)
    return lambda name: f"{base}//terraform/modules/{name}?{query}"


def used_modules(main: dict[str, Any]) -> set[str]:
    prefix = f"./{MODULES_DIR}/"
    return {
        m["source"][len(prefix) :] for m in main.get("module", {}).values() if m["source"].startswith(prefix)
    }
