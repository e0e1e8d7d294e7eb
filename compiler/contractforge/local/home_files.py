"""Files local commands keep in the home between runs (the plan, drawn charts): written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


def write_whole(target: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``target``, then rename it over ``target``: a
    concurrent reader sees the old file or the new one, never half of one."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_bytes(content)
    os.replace(temporary, target)
