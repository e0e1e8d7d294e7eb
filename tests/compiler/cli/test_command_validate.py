"""``contractforge validate``: exit codes and the one-line-per-problem format."""

from __future__ import annotations

import json

from contractforge.cli.main import main


def test_reference_projects_are_valid(reference_projects, capsys):
    for project in sorted(p for p in reference_projects.iterdir() if p.is_dir()):
        assert main(["validate", str(project)]) == 0
    assert "valid: project" in capsys.readouterr().out


def test_invalid_contract_exit_2_with_located_lines(tmp_path, capsys):
    path = tmp_path / "c.ingestion.yaml"
    path.write_text(
        "source: {type: csv, path: 's3://b/x'}\ntarget: {table: t}\nmerge_key: [id]\nmode: merge\n"
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert f"error: {path}:3:1: merge_key: unknown field 'merge_key' (did you mean 'merge_keys'?)" in err
    assert any(line.startswith(f"error: {path}:4:7: mode: unknown write mode 'merge'") for line in err)
    assert "Traceback" not in "\n".join(err)


def test_yaml_syntax_error_and_missing_path(tmp_path, capsys):
    path = tmp_path / "c.ingestion.yaml"
    path.write_text("source: [\n")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:2:1: invalid YAML" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2


def test_json_report(tmp_path, capsys):
    path = tmp_path / "c.ingestion.yaml"
    path.write_text("source: x\ntarget: {table: t}\nlayr: bronze\n")
    assert main(["validate", str(path), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["kind"] == "contract"
    assert report["problems"][0] == {
        "code": "UNKNOWN_FIELD",
        "column": 1,
        "field": "layr",
        "file": str(path),
        "line": 3,
        "message": "unknown field 'layr'",
        "suggestion": "layer",
    }


def test_directory_of_contracts_and_single_section_kinds(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/a.ingestion.yaml").write_text("source: x\ntarget: {table: a}\n")
    (tmp_path / "b.ingestion.yaml").write_text("source: x\ntarget: {table: b}\n")
    assert main(["validate", str(tmp_path)]) == 0
    assert "2 file(s) checked" in capsys.readouterr().out
    env = tmp_path / "x.environment.yaml"
    env.write_text("environment:\n  adapter: aws\n  evidnce: {}\n")
    assert main(["validate", str(env)]) == 2
    assert "(did you mean 'evidence'?)" in capsys.readouterr().err


def test_project_env_selection(tmp_path, capsys):
    (tmp_path / "project.yaml").write_text(
        "name: p\nenvironments: {aws: aws.environment.yaml}\n"
        "execution_order: [{name: b, contracts: {aws: b.ingestion.yaml}}]\n"
    )
    (tmp_path / "b.ingestion.yaml").write_text(
        "source: {type: csv, path: 's3://b/in/'}\ntarget: {catalog: cf, schema: s, table: t}\n"
    )
    (tmp_path / "aws.environment.yaml").write_text("adapter: aws\n")
    # validate applies plan's project-level depth: an environment without artifacts is refused
    assert main(["validate", str(tmp_path)]) == 2
    assert "artifacts.uri" in capsys.readouterr().err
    (tmp_path / "aws.environment.yaml").write_text(
        "adapter: aws\nartifacts: {uri: 's3://b/p/'}\n"
        "parameters: {aws: {region: us-east-1, iceberg: {warehouse: 's3://b/wh/'}}}\n"
    )
    assert main(["validate", str(tmp_path)]) == 0
    assert main(["validate", str(tmp_path), "--env", "gcp"]) == 2
    assert "no environment 'gcp'" in capsys.readouterr().err


def test_kind_override_for_a_connection_file(tmp_path, capsys):
    path = tmp_path / "pg.yaml"
    path.write_text("source:\n  type: connector\n  conector: postgres\n")
    assert main(["validate", str(path), "--kind", "connection"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:3: source.conector: unknown field 'conector' (did you mean 'connector'?)" in err
