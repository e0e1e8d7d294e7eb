"""No command answers any input with a traceback.

The bad-input cases go through all three commands in test_bad_inputs.py (which also asserts every
error line is located); here the examples and random mutations of the base project's files
(hypothesis, fixed seed: the same inputs on every run) go through ``validate``, ``plan`` and
``compile``. Each must exit 0, 1 (blockers, listed with their
places) or 2 with every error located at ``file:line``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from contractforge.cli.main import main
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.compiler.bad_inputs.test_bad_inputs import PLACEMENT

HERE = Path(__file__).parent
EXAMPLES = sorted(p for p in (HERE.parents[2] / "examples").iterdir() if (p / "project.yaml").is_file())
MUTATION_COUNT = 60
LOCATED = re.compile(r"^error: \S+\.(ya?ml|yml|json):\d+(:\d+)?: ")
FILES = sorted(PLACEMENT.values())


def run_all(root: Path, out: Path) -> list[tuple[str, int, str]]:
    results = []
    for command in (["validate", str(root)], ["plan", str(root)], ["compile", str(root), "--out", str(out)]):
        results.append((command[0], *_run(command)))
    return results


def _run(command: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(command)
    return code, out.getvalue() + err.getvalue()


def assert_clean(results: list[tuple[str, int, str]], what: str) -> None:
    for command, code, text in results:
        assert "Traceback" not in text, f"{what}: {command}\n{text}"
        assert code in (0, 1, 2), f"{what}: {command} exited {code}\n{text}"
        if code == 2:
            errors = [line for line in text.splitlines() if line.startswith("error: ")]
            assert errors, f"{what}: {command} exit 2 without an error line\n{text}"
            unlocated = [line for line in errors if not LOCATED.match(line)]
            assert not unlocated, f"{what}: {command} error without file:line\n{text}"


def test_every_example(tmp_path):
    for example in EXAMPLES:
        assert_clean(run_all(example, tmp_path / "build" / example.name), example.name)


# --- mutations -----------------------------------------------------------------------------------
_ODD_TEXT = [
    "", " ", "{{ secret:/ }}", "{{ secret:pg }", "{{ table_ref:nowhere.t }}", "SELECT", "amount >", "((",
    "s3://", "/local/path", "http://169.254.169.254/", "ünïcødé", "x" * 300, "0 6 * * ? *", "*", "-1",
    "DECIMAL(99,2)", "null", "~", "&a", "*a", "[", "{", "'", '"', "\t", "a: b", "- x",
]  # fmt: skip
_SCALARS = st.one_of(
    st.sampled_from(_ODD_TEXT), st.integers(-(2**40), 2**40), st.floats(allow_nan=True), st.booleans(),
    st.none(), st.text(max_size=20),
)  # fmt: skip
_VALUES = st.one_of(
    _SCALARS, st.lists(_SCALARS, max_size=3), st.dictionaries(st.text(max_size=8), _SCALARS, max_size=3)
)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _set(data, path, value, delete=False):
    if not path:
        return value
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


@st.composite
def mutations(draw):
    file = draw(st.sampled_from([f for f in FILES if (HERE / "base" / f).is_file()]))
    text = (HERE / "base" / file).read_text()
    kind = draw(st.sampled_from(["replace", "delete", "add_key", "text_insert", "text_delete", "truncate"]))
    if kind.startswith("text") or kind == "truncate":
        position = draw(st.integers(0, len(text)))
        if kind == "truncate":
            return file, text[:position]
        if kind == "text_delete":
            return file, text[:position] + text[position + draw(st.integers(1, 20)) :]
        return file, text[:position] + draw(st.sampled_from(_ODD_TEXT) | st.text(max_size=10)) + text[
            position:
        ]
    data = yaml.safe_load(text)
    path = draw(st.sampled_from(list(_paths(data))))
    if kind == "delete" and path:
        data = _set(data, path, None, delete=True)
    elif kind == "add_key":
        target = data
        for part in path:
            target = target[part]
        if isinstance(target, dict):
            target[
                draw(st.sampled_from(["x", "mode", "layer", "quality_rules", "transform", "schedule"]))
            ] = draw(_VALUES)
    else:
        data = _set(data, path, draw(_VALUES))
    return file, yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.filterwarnings("ignore")
@seed(17)
@settings(max_examples=MUTATION_COUNT, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(mutation=mutations())
def test_mutated_projects_never_traceback(mutation):
    file, text = mutation
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "project"
        shutil.copytree(HERE / "base", root)
        (root / file).write_text(text, encoding="utf-8", errors="surrogatepass")
        assert_clean(run_all(root, Path(directory) / "build"), f"{file} mutated to:\n{text}")
