"""compile writes a deterministic tree; compile --check reports stale/missing/extra files (writer.py)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from contractforge.api import contract_bundle_files, plan_project, render_plan
from contractforge.cli.main import main
from contractforge.compile_record import RECORD_FILE
from contractforge.render import CompileOptions
from contractforge.render.runtime_package import collect_package_files, zip_bytes
from contractforge.writer import TreeWriter, check_tree, write_tree

from tests.conftest import REPO_ROOT

EXAMPLE = REPO_ROOT / "examples" / "orders-medallion"


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "aws"
    assert main(["compile", str(EXAMPLE), "--out", str(out)]) == 0
    return out


def test_compiling_twice_gives_byte_identical_trees(compiled: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["compile", str(EXAMPLE), "--out", str(again)]) == 0
    assert _tree_bytes(compiled) == _tree_bytes(again)
    assert {"main.tf.json", "artifacts/manifest.json"} <= set(_tree_bytes(again))


def test_check_is_fresh_after_compile(compiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile", str(EXAMPLE), "--out", str(compiled), "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_check_lists_stale_missing_and_extra_files(compiled: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "aws"
    shutil.copytree(compiled, out)
    (out / "main.tf.json").write_text("{}\n")
    (out / "artifacts" / "plans" / "silver_orders.json").unlink()
    (out / "artifacts" / "plans" / "removed_step.json").write_text("{}\n")
    (out / "terraform.tfvars").write_text('x = "operator file, not ours"\n')
    (out / ".terraform").mkdir()
    (out / ".terraform" / "state").write_text("ignored\n")
    assert main(["compile", str(EXAMPLE), "--out", str(out), "--check"]) == 1
    report = capsys.readouterr().out
    assert "stale: main.tf.json" in report
    assert "missing: artifacts/plans/silver_orders.json" in report
    assert "extra: artifacts/plans/removed_step.json" in report
    assert "tfvars" not in report and ".terraform" not in report
    # compiling repairs exactly the managed files and leaves the operator's files alone
    assert main(["compile", str(EXAMPLE), "--out", str(out)]) == 0
    assert main(["compile", str(EXAMPLE), "--out", str(out), "--check"]) == 0
    assert (out / "terraform.tfvars").is_file() and (out / ".terraform" / "state").is_file()
    assert not (out / "artifacts" / "plans" / "removed_step.json").exists()


def test_check_of_a_missing_directory_fails(tmp_path: Path) -> None:
    assert main(["compile", str(EXAMPLE), "--out", str(tmp_path / "nothing"), "--check"]) == 1
    assert not (tmp_path / "nothing").exists()


def test_write_tree_does_not_rewrite_unchanged_files(tmp_path: Path) -> None:
    files = {"main.tf.json": b"{}\n", "artifacts/a.json": b"[]\n"}
    assert write_tree(files, tmp_path).missing == ("artifacts/a.json", "main.tf.json")
    before = (tmp_path / "main.tf.json").stat().st_mtime_ns
    diff = write_tree(files, tmp_path)
    assert diff.fresh and (tmp_path / "main.tf.json").stat().st_mtime_ns == before
    assert check_tree({"main.tf.json": b"{}\n"}, tmp_path).extra == ("artifacts/a.json",)


def test_the_written_tree_is_the_rendered_tree(compiled: Path) -> None:
    """compile hands the biggest documents to the writer in pieces: the tree on disk is still exactly the
    in-memory build (and the manifest's facts of those files are the same)."""
    plan = plan_project(EXAMPLE)
    files, _ = render_plan(plan, CompileOptions(contract_files=contract_bundle_files(plan)))
    written = {path: content for path, content in _tree_bytes(compiled).items() if path != RECORD_FILE}
    assert written == files


def test_a_file_handed_over_in_pieces(tmp_path: Path) -> None:
    writer = TreeWriter(tmp_path)
    writer.add("main.tf.json", iter([b"{", b"\n", b"}\n"]))
    assert writer.finish().missing == ("main.tf.json",)
    assert (tmp_path / "main.tf.json").read_bytes() == b"{\n}\n"
    before = (tmp_path / "main.tf.json").stat().st_mtime_ns
    writer = TreeWriter(tmp_path)
    writer.add("main.tf.json", iter([b"{\n", b"}\n"]))
    assert writer.finish().fresh and (tmp_path / "main.tf.json").stat().st_mtime_ns == before
    writer = TreeWriter(tmp_path, check=True)
    writer.add("main.tf.json", iter([b"[", b"]\n"]))
    assert writer.finish().stale == ("main.tf.json",)


def test_invalid_module_source_is_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["compile", str(EXAMPLE), "--out", str(tmp_path), "--module-source", "github.com/x"]) == 2
    assert "--module-source" in capsys.readouterr().err


def test_git_module_source_references_pinned_modules_without_vendoring(tmp_path: Path) -> None:
    import json

    source = "git::https://github.com/acme/contractforge.git?ref=v0.1.0"
    assert main(["compile", str(EXAMPLE), "--out", str(tmp_path), "--module-source", source]) == 0
    modules = json.loads((tmp_path / "main.tf.json").read_text())["module"]
    assert modules["glue_jobs"]["source"] == (
        "git::https://github.com/acme/contractforge.git//terraform/modules/glue_job?ref=v0.1.0"
    )
    assert not (tmp_path / "modules").exists()


def test_endpoint_url_writes_the_provider_override(tmp_path: Path) -> None:
    import json

    assert (
        main(["compile", str(EXAMPLE), "--out", str(tmp_path), "--endpoint-url", "http://127.0.0.1:5005"])
        == 0
    )
    override = json.loads((tmp_path / "endpoints_override.tf.json").read_text())["provider"]["aws"]
    endpoints = override["endpoints"][0]
    assert {"glue", "s3", "iam", "sts", "sfn", "scheduler", "lakeformation", "athena"} <= set(endpoints)
    assert set(endpoints.values()) == {"http://127.0.0.1:5005"}
    assert override["skip_credentials_validation"] is True and override["s3_use_path_style"] is True
    # recompiling without the flag removes it (it is a managed file)
    assert main(["compile", str(EXAMPLE), "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "endpoints_override.tf.json").exists()


def test_runtime_zip_is_deterministic_and_complete() -> None:
    files = collect_package_files()
    first, second = zip_bytes(files), zip_bytes(collect_package_files())
    assert first == second
    with zipfile.ZipFile(__import__("io").BytesIO(first)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == sorted(names)
        assert "contractforge_runtime/__init__.py" in names
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert all(archive.read(name) == files[name] for name in names)


def test_compiled_runner_key_carries_the_script_hash(compiled: Path) -> None:
    import hashlib
    import json

    script = (compiled / "artifacts" / "runner" / "contractforge_glue_entry.py").read_bytes()
    digest = hashlib.sha256(script).hexdigest()
    main_tf = json.loads((compiled / "main.tf.json").read_text())
    locations = {job["script_location"] for job in main_tf["locals"]["glue_jobs"].values()}
    assert len(locations) == 1 and f"/runner/{digest[:16]}/" in locations.pop()
    compile(script, "contractforge_glue_entry.py", "exec")
    assert b"contractforge_runtime.entry" in script and len(script) < 1024
    manifest = json.loads((compiled / "artifacts" / "manifest.json").read_text())
    listed = {a["path"]: a for a in manifest["artifacts"]}
    assert listed["artifacts/runner/contractforge_glue_entry.py"]["sha256"] == digest
    assert listed["artifacts/runner/contractforge_glue_entry.py"]["s3_key"].startswith(
        f"runner/{digest[:16]}/"
    )
    assert manifest["size_budget"]["status"] == "OK"
    assert "artifacts/manifest.json" not in listed


def test_pre_commit_hook_runs_compile_check(compiled: Path) -> None:
    import shlex

    import yaml

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "contractforge-compile-check")
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    command = shlex.split(hook["entry"])
    assert command[:3] == ["contractforge", "compile", "--check"]
    args = [str(EXAMPLE), "--env", "aws", "--out", str(compiled)]
    assert main([*command[1:], *args]) == 0


def test_blocked_steps_stop_the_compile(tmp_path: Path, capsys, monkeypatch) -> None:
    import dataclasses

    import contractforge.api as api
    from contractforge.project_plan import UNSUPPORTED, Diagnostic

    from tests.compiler.render.plans import project, step

    blocked = dataclasses.replace(
        step("b"),
        status=UNSUPPORTED,
        run_plan=None,
        diagnostics=(Diagnostic("MERGE_KEYS_REQUIRED", "blocker", "upsert needs merge_keys", "c/b.yaml"),),
    )
    monkeypatch.setattr(api, "plan_project", lambda path, env: project(step("a"), blocked))
    assert main(["compile", "demo", "--out", str(tmp_path / "out")]) == 1
    error = capsys.readouterr().err
    assert (
        "steps with blockers" in error and "b: c/b.yaml: MERGE_KEYS_REQUIRED upsert needs merge_keys" in error
    )
    assert not (tmp_path / "out").exists()
