"""Compare a build tree with a golden directory (or rewrite it with --update-golden)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from contractforge.api import plan_project
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files

GOLDEN_ROOT = Path(__file__).resolve().parent / "golden"
# A fixed stand-in for the runtime package: goldens must not change whenever the runtime does
# (the real zip's determinism is tested on its own).
FIXED_RUNTIME = {
    "contractforge_runtime/__init__.py": b'__version__ = "0.1.0"\n',
    "contractforge_runtime/entry.py": b"def main(argv):\n    return 0\n",
}
EXCLUDED_PREFIXES = ("modules/",)
EXCLUDED_SUFFIXES = (".zip",)


def compile_tree(project_dir: Path, options: CompileOptions | None = None) -> dict[str, bytes]:
    plan = plan_project(project_dir, "aws")
    return render_build(plan, options or CompileOptions(), load_module_files(), FIXED_RUNTIME).files


def golden_view(files: dict[str, bytes]) -> dict[str, bytes]:
    return {
        path: content
        for path, content in files.items()
        if not path.startswith(EXCLUDED_PREFIXES) and not path.endswith(EXCLUDED_SUFFIXES)
    }


def assert_matches_golden(files: dict[str, bytes], golden_dir: Path, update: bool) -> None:
    expected_files = golden_view(files)
    if update:
        if golden_dir.exists():
            shutil.rmtree(golden_dir)
        for path, content in expected_files.items():
            target = golden_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return
    assert golden_dir.is_dir(), (
        f"no golden files in {golden_dir}; run pytest tests/compiler/render --update-golden"
    )
    on_disk = {
        p.relative_to(golden_dir).as_posix(): p.read_bytes() for p in golden_dir.rglob("*") if p.is_file()
    }
    missing = sorted(set(on_disk) - set(expected_files))
    extra = sorted(set(expected_files) - set(on_disk))
    assert not missing and not extra, f"golden file set differs: not produced {missing}, new {extra}"
    for path, content in expected_files.items():
        if content != on_disk[path]:
            diff = "\n".join(
                difflib.unified_diff(
                    on_disk[path].decode().splitlines(),
                    content.decode().splitlines(),
                    f"golden/{path}",
                    f"compiled/{path}",
                    lineterm="",
                    n=2,
                )
            )
            raise AssertionError(
                f"{path} differs from its golden file (--update-golden to accept):\n{diff[:4000]}"
            )
