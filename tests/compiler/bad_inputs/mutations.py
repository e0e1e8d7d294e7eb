"""Deterministic mutations of a project's YAML files, edited as text so line numbers stay true.

``mutations(root)`` yields one ``Mutation`` per (file, kind, place): the file's new bytes (or None
to delete it), the line the problem sits on when one is known, and what the CLI may answer:
``expect`` is the set of acceptable exit codes, ``blame`` whether an error must name the mutated
file. Places are chosen by a stable hash of the file and key path (no randomness), a few per kind.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

REFUSED = frozenset({2})
ANY_ANSWER = frozenset({0, 1, 2})  # the mutated value may be optional or of a shorthand type
PER_KIND = int(os.environ.get("CONTRACTFORGE_SWEEP_PER_KIND", "1"))  # places per (file, kind)
# Maps whose keys and values are the user's (Spark/JDBC/HTTP options, tags, Glue arguments, maps keyed
# by column name — a column no step can know before the data is read), shorthands (``source:
# <table>``), open models that keep unknown keys with a warning (``extensions.aws``, ``parameters.aws``,
# project.yaml's descriptive extras), keys with no effect on AWS (``runtime``, ``artifacts``) and the
# reference projects' own test metadata: a mutation under one of these may be valid.
OPEN = {"options", "read", "request", "auth", "pagination", "response", "incremental", "limits", "params",
        "headers", "tags", "columns", "default_arguments", "spark_conf", "extensions", "aws", "source",
        "cast", "standardize", "derive", "accepted_values", "runtime", "artifacts", "source_system", "datasets",
        "upload_waves", "required_cases"}  # fmt: skip
USER_MAPS = {"tags", "default_arguments", "spark_conf", "options", "conf", "packing"}
ENUM_KEYS = {"mode", "layer", "schema_policy", "on_quality_fail", "criticality", "format", "type", "adapter",
             "severity", "expected_frequency", "worker_type", "execution_class", "layout"}  # fmt: skip


@dataclass(frozen=True)
class Mutation:
    file: str  # relative to the project root
    kind: str
    content: bytes | None
    line: int | None = None
    expect: frozenset[int] = REFUSED
    blame: bool = True  # an error must name this file
    extra: tuple[tuple[str, bytes], ...] = ()  # other files written with it
    warned: str | None = None  # accepted (exit 0/1): `plan` must warn about this key with a suggestion
    directory: bool = False  # the file is replaced by a directory of that name
    located: bool = True  # errors point at a line (not so for a file that is not there to point into)

    @property
    def id(self) -> str:
        return f"{self.file}:{self.kind}@{self.line}"


@dataclass(frozen=True)
class Entry:
    path: tuple
    key: yaml.Node
    value: yaml.Node
    parent: yaml.MappingNode


def _entries(node: yaml.Node, path: tuple = ()) -> Iterator[Entry]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield Entry((*path, key.value), key, value, node)
                yield from _entries(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _entries(item, (*path, index))


def _pick(file: str, kind: str, entries: list[Entry], count: int = PER_KIND) -> list[Entry]:
    def rank(entry: Entry) -> str:
        return hashlib.sha256(f"{file}|{kind}|{entry.path}".encode()).hexdigest()

    return sorted(entries, key=rank)[:count]


def _open(entry: Entry, expect: frozenset[int] = REFUSED) -> frozenset[int]:
    return ANY_ANSWER if any(part in OPEN for part in entry.path) else expect


def _kept_with_a_warning(file: str, entry: Entry) -> bool:
    """Keys of open models whose unknown keys `plan` keeps with a "did you mean" warning: project.yaml's
    top level, ``extensions.aws`` and ``parameters.aws`` and their settings maps (not the user's maps)."""
    if file == "project.yaml":
        return len(entry.path) == 1
    path = [p for p in entry.path if isinstance(p, str)]
    aws = path[:2] in (["extensions", "aws"], ["parameters", "aws"])
    return aws and len(path) <= 4 and not set(path) & USER_MAPS


def _block_end(lines: list[str], entry: Entry) -> int:
    """Exclusive end line (0-based) of the key's block: key line through the value's last line."""
    end = entry.value.end_mark
    if end.line >= len(lines):
        return len(lines)
    return end.line if not lines[end.line][: end.column].strip() else end.line + 1


def _replace_value(lines: list[str], entry: Entry, text: str | None) -> list[str]:
    """``key: text`` in place of the key and its whole value (None: delete the key)."""
    start = entry.key.start_mark.line
    stop = _block_end(lines, entry)
    line = lines[start]
    if text is None:
        prefix = line[: entry.key.start_mark.column]
        kept = [prefix.rstrip() + "\n"] if prefix.strip() else []  # "- key: v" keeps "-" (empty item)
        if prefix.strip() and stop < len(lines) and lines[stop].startswith(" " * len(prefix)):
            following = lines[stop]
            kept = [prefix + following[len(prefix) :]]  # the item's next key moves up to the dash
            stop += 1
        return lines[:start] + kept + lines[stop:]
    key_text = line[entry.key.start_mark.column : entry.key.end_mark.column]
    return [*lines[:start], f"{line[: entry.key.start_mark.column]}{key_text}: {text}\n", *lines[stop:]]


def _typo(word: str) -> str:
    """Two neighbouring letters swapped (the last pair that differs), else one letter doubled."""
    for i in range(len(word) - 2, 0, -1):
        if word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word + word[-1:]


def _encode(lines: list[str]) -> bytes:
    return "".join(lines).encode()


def file_mutations(root: Path, file: str) -> Iterator[Mutation]:
    text = (root / file).read_text()
    lines = text.splitlines(keepends=True)
    yield Mutation(file, "empty_file", b"")
    yield Mutation(file, "comment_only", b"# nothing but a comment\n")
    yield Mutation(file, "scalar_document", b"just a string\n", line=1)
    yield Mutation(file, "list_document", b"- a\n- b\n", line=1)
    yield Mutation(file, "null_document", b"~\n", line=1)
    yield Mutation(
        file, "deep_value", ("x: " + "[" * 150 + "]" * 150 + "\n").encode() + text.encode(), line=1
    )
    entries = [e for e in _entries(yaml.compose(text)) if not e.parent.flow_style]
    top = [e for e in entries if len(e.path) == 1]
    nested = [e for e in entries if len(e.path) > 1 and e.key.start_mark.column > 0]
    scalars = [e for e in entries if isinstance(e.value, yaml.ScalarNode) and e.value.style is None
               and e.key.start_mark.line == e.value.end_mark.line]  # fmt: skip
    mappings = [e for e in entries if isinstance(e.value, yaml.MappingNode)]
    sequences = [e for e in entries if isinstance(e.value, yaml.SequenceNode)]

    def at(entry: Entry) -> int:
        return entry.key.start_mark.line + 1

    for entry in _pick(file, "non_utf8", scalars, 1):
        line = entry.key.start_mark.line
        raw = [s.encode() for s in lines]
        raw[line] = raw[line].rstrip(b"\n") + b"\xff\xfe\n"
        yield Mutation(file, "non_utf8", b"".join(raw), line=line + 1)
    for entry in _pick(file, "tab_indent", nested, 1):
        line = entry.key.start_mark.line
        edited = list(lines)
        edited[line] = "\t" + edited[line].lstrip(" ")
        yield Mutation(file, "tab_indent", _encode(edited), line=line + 1)
    for entry in _pick(file, "broken_indent", [e for e in scalars if e.parent.value[0][0] is not e.key], 1):
        line = entry.key.start_mark.line
        edited = list(lines)
        edited[line] = " " + edited[line] if not edited[line].lstrip().startswith("- ") else edited[line]
        if edited[line] != lines[line]:
            yield Mutation(file, "broken_indent", _encode(edited), line=line + 1)
    for entry in _pick(file, "duplicate_key", [e for e in top if e in scalars], 1):
        line = entry.key.start_mark.line
        edited = [*lines[: line + 1], lines[line], *lines[line + 1 :]]
        yield Mutation(file, "duplicate_key", _encode(edited), line=line + 2)
    for entry in _pick(file, "delete_key", entries):
        yield Mutation(file, "delete_key", _encode(_replace_value(lines, entry, None)), at(entry), ANY_ANSWER,
                       blame=False)  # fmt: skip
    kept = [e for e in entries if e.key.style is None and _kept_with_a_warning(file, e)]
    for kind, candidates in (
        ("typo_key", [e for e in entries if e.key.style is None]),
        ("typo_kept_key", kept),
    ):
        for entry in _pick(file, kind, candidates):
            edited = list(lines)
            row, col, end = entry.key.start_mark.line, entry.key.start_mark.column, entry.key.end_mark.column
            typo = _typo(entry.key.value)
            edited[row] = edited[row][:col] + typo + edited[row][end:]
            warned = typo if _kept_with_a_warning(file, entry) else None
            expect = ANY_ANSWER if kind == "typo_kept_key" else _open(entry)  # kept, with a warning
            yield Mutation(file, kind, _encode(edited), row + 1, expect, warned=warned)
    # A value replaced by another of the wrong kind: (kind, where, replacement, any answer accepted, places)
    replaced = (
        ("bad_enum", [e for e in scalars if e.path[-1] in ENUM_KEYS], "no_such_choice", False, PER_KIND),
        ("mapping_as_string", mappings, "'a string'", False, PER_KIND),
        ("mapping_as_list", mappings, "[a, b]", False, PER_KIND),
        ("mapping_as_null", mappings, "null", True, PER_KIND),
        ("list_as_mapping", sequences, "{a: 1}", False, PER_KIND),
        ("scalar_as_list", scalars, "[a, b]", True, PER_KIND),
        ("scalar_as_mapping", scalars, "{a: 1}", False, PER_KIND),
        ("bool_as_int", [e for e in scalars if e.value.value in ("true", "false")], "7", False, PER_KIND),
        ("huge_string", scalars, "x" * 200_000, True, 1),
    )
    for kind, candidates, value, any_answer, places in replaced:
        for entry in _pick(file, kind, candidates, places):
            expect = ANY_ANSWER if any_answer else _open(entry)
            yield Mutation(file, kind, _encode(_replace_value(lines, entry, value)), at(entry), expect)


def project_mutations(root: Path) -> Iterator[Mutation]:
    """References that lead nowhere and depends_on cycles, written into project.yaml."""
    text = (root / "project.yaml").read_text()
    data = yaml.safe_load(text)
    steps = data.get("execution_order") or []
    lines = text.splitlines(keepends=True)
    entries = list(_entries(yaml.compose(text)))
    contract_paths = [e for e in entries if len(e.path) == 4 and e.path[2] == "contracts"]
    for entry in contract_paths[:1]:
        edited = _replace_value(lines, entry, "contracts/aws/nowhere/nowhere.ingestion.yaml")
        yield Mutation(
            "project.yaml", "missing_contract_file", _encode(edited), entry.key.start_mark.line + 1
        )
    names = [
        e for e in entries if len(e.path) == 3 and e.path[2] == "name" and e.path[0] == "execution_order"
    ]
    if names:
        entry = names[-1]
        indent = " " * entry.key.start_mark.column
        edited = list(lines)
        edited.insert(entry.key.start_mark.line + 1, f"{indent}depends_on: [no_such_step]\n")
        depends = [e for e in entries if e.path[0] == "execution_order" and e.path[-1] == "depends_on"
                   and e.path[1] == entry.path[1]]  # fmt: skip
        if not depends:
            yield Mutation(
                "project.yaml", "depends_on_missing_step", _encode(edited), entry.key.start_mark.line + 2
            )
    by_name = {step.get("name"): index for index, step in enumerate(steps) if isinstance(step, dict)}
    for entry in entries:  # a step that depends on another: the other now depends on it too
        if (
            len(entry.path) == 3
            and entry.path[2] == "depends_on"
            and isinstance(entry.value, yaml.SequenceNode)
        ):
            upstream = by_name.get(entry.value.value[0].value) if entry.value.value else None
            if upstream is None:
                continue
            own = [e for e in names if e.path[1] == upstream][0]
            indent = " " * own.key.start_mark.column
            edited = list(lines)
            edited.insert(
                own.key.start_mark.line + 1, f"{indent}depends_on: [{steps[entry.path[1]]['name']}]\n"
            )
            if "depends_on" not in steps[upstream]:
                yield Mutation("project.yaml", "depends_on_cycle", _encode(edited), None)
                break
    yield Mutation("project.yaml", "environment_file_missing",
                   _encode([line.replace("environments/aws.environment.yaml", "environments/gone.yaml")
                            for line in lines]), None)  # fmt: skip


def mutations(root: Path) -> Iterator[Mutation]:
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.y*ml"))
    for file in files:
        yield from file_mutations(root, file)
        required = file == "project.yaml" or ".ingestion." in file or ".environment." in file
        # a deleted project.yaml leaves a directory of contracts, which `validate` accepts
        gone = REFUSED if required and file != "project.yaml" else ANY_ANSWER
        yield Mutation(file, "file_deleted", None, None, gone, blame=False, located=file != "project.yaml")
        yield Mutation(
            file, "file_is_directory", None, None, gone, blame=False, directory=True, located=False
        )
    yield from project_mutations(root)
