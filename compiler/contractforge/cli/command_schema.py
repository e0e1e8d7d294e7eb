"""``contractforge schema [KIND] [--out DIR]``: JSON Schema of each contract file kind.

Kinds: ingestion, annotations, operations, access, environment, project, connection. Without
``--out`` the schema (or a ``{kind: schema}`` map for all kinds) is printed; with ``--out`` one
``<kind>.schema.json`` per kind is written. Output is deterministic (sorted keys).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from contractforge.loader.schemas import SCHEMA_KINDS, json_schema


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("schema", help="print or write the JSON Schema of contract files")
    parser.add_argument("kind", nargs="?", choices=SCHEMA_KINDS, help="one file kind (default: all)")
    parser.add_argument("--out", type=Path, help="directory to write <kind>.schema.json files into")
    parser.set_defaults(func=run)


def _text(obj: dict) -> str:
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(SCHEMA_KINDS)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            (args.out / f"{kind}.schema.json").write_text(_text(json_schema(kind)), encoding="utf-8")
            print(args.out / f"{kind}.schema.json")
        return 0
    if args.kind:
        print(_text(json_schema(args.kind)), end="")
    else:
        print(_text({kind: json_schema(kind) for kind in kinds}), end="")
    return 0
