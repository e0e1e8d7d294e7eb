"""``source.type: connection`` resolution (docs/contract-language.md#loading-rules).

``connection_path`` is ``project://<path below the project root>`` or a path relative to the
ingestion file's directory. Absolute paths, ``..`` parts and anything resolving outside that
base are refused. The connection (file root or its ``source:`` child) is the base; the
ingestion ``source`` keys (minus ``type`` / ``connection_path``) are deep-merged over it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from contractforge.errors import ContractForgeError, Problem
from contractforge.loader.errors import SourceLocator
from contractforge.loader.yaml_source import SourceMap, YamlDocument, load_mapping

PROJECT_SCHEME = "project://"
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]|^\\\\")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Maps merge recursively; scalars and lists from ``override`` replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _fail(message: str, smap: SourceMap, path: tuple, suggestion: str | None = None) -> ContractForgeError:
    line, column = smap.locate(path) or (None, None)
    field = ".".join(str(p) for p in path)
    return ContractForgeError([Problem(message, smap.file, line, column, field, suggestion, "CONNECTION")])


def connection_file(
    ref: str, ingestion_path: Path, project_root: Path | None, smap: SourceMap, display: Any
) -> Path:
    """The file a ``connection_path`` points at, after the safety checks."""
    where = ("source", "connection_path")
    if ref.startswith(PROJECT_SCHEME):
        if project_root is None:
            raise _fail("project:// connection paths need a project.yaml above the contract", smap, where)
        base, relative = project_root, ref[len(PROJECT_SCHEME) :]
    else:
        base, relative = ingestion_path.parent, ref
    if relative.startswith(("/", "\\")) or _WINDOWS_ABSOLUTE.match(relative):
        raise _fail(
            "absolute connection paths are not allowed; use project://<path> or a relative path", smap, where
        )
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if ".." in parts:
        raise _fail(
            "'..' is not allowed in connection paths; use project://<path from the project root>", smap, where
        )
    target = (base / Path(*parts)).resolve() if parts else base
    if not target.is_relative_to(base.resolve()):
        raise _fail("connection path resolves outside its root", smap, where)
    if not target.is_file():
        raise _fail(f"connection file not found: {display(target)}", smap, where)
    return target


def resolve_connection(
    mapping: dict[str, Any],
    ingestion_path: Path,
    project_root: Path | None,
    locator: SourceLocator,
    smap: SourceMap,
    display: Any,
) -> tuple[dict[str, Any], YamlDocument | None]:
    """The mapping with its connection merged in (unchanged when the source is no connection)."""
    source = mapping.get("source")
    if not isinstance(source, dict) or str(source.get("type", "")).strip().lower() != "connection":
        return mapping, None
    ref = source.get("connection_path")
    if not isinstance(ref, str) or not ref.strip():
        raise _fail("`source.type: connection` requires `source.connection_path`", smap, ("source", "type"))
    ref = ref.strip()
    path = connection_file(ref, ingestion_path, project_root, smap, display)
    document = load_mapping(path, display(path), what="connection file")
    base, inner = document.data, ()
    if isinstance(base.get("source"), dict):
        base, inner = base["source"], ("source",)
    base = {k: v for k, v in base.items() if k != "_metadata"}
    if str(base.get("type", "")).strip().lower() == "connection":
        raise _fail(
            "a connection file may not itself be of type `connection`", document.source_map, (*inner, "type")
        )
    overrides = {k: v for k, v in source.items() if k not in ("type", "connection_path")}
    merged = deep_merge(base, overrides)
    if "type" not in merged and "connector" in merged:
        merged["type"] = "connector"
    merged.setdefault("connection", ref)
    locator.add(("source",), document.source_map, inner)
    return {**mapping, "source": merged}, document
