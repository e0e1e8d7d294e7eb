"""Canonical text forms shared by every renderer (deterministic, diff-friendly)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """``json.dumps(indent=2, sort_keys=True)`` plus a trailing newline: the only JSON form we write."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def compact_json(value: Any) -> str:
    """Sorted, whitespace-free JSON (for values embedded in other documents, e.g. an ASL string)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8")
