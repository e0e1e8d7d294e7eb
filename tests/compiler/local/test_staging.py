import os

import pytest
from contractforge.cli.main import main
from contractforge.errors import ContractForgeError
from contractforge.local.runner import StepOutcome, order_steps, summary_table
from contractforge.local.staging import put


def test_put_directory_and_file(tmp_path):
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.csv").write_text("x\n1\n")
    (data / "sub" / "b.csv").write_text("x\n2\n")
    os.utime(data / "a.csv", (1_700_000_000, 1_700_000_000))
    root = tmp_path / "s3"
    copies = put(data, "s3://bucket/landing/", root)
    assert sorted(p.relative_to(root).as_posix() for p in copies) == [
        "bucket/landing/a.csv",
        "bucket/landing/sub/b.csv",
    ]
    assert (root / "bucket/landing/a.csv").stat().st_mtime == 1_700_000_000  # the ledger sees the same file
    put(data / "a.csv", "s3://bucket/exact/key.csv", root)
    assert (root / "bucket/exact/key.csv").read_text() == "x\n1\n"
    with pytest.raises(ContractForgeError, match="s3://"):
        put(data, "/not/s3", root)


def test_local_put_cli(tmp_path, capsys):
    (tmp_path / "f.csv").write_text("x\n")
    code = main(["local", "put", str(tmp_path / "f.csv"), "s3://b/p/", "--s3-root", str(tmp_path / "root")])
    assert code == 0 and (tmp_path / "root/b/p/f.csv").is_file()
    assert "staged 1 file(s)" in capsys.readouterr().out


class _Step:
    def __init__(self, name, depends_on=()):
        self.name, self.depends_on = name, tuple(depends_on)


def test_order_steps_follows_depends_on_then_declaration():
    steps = [_Step("gold", ["silver"]), _Step("bronze"), _Step("silver", ["bronze"]), _Step("other")]
    assert [s.name for s in order_steps(steps)] == ["bronze", "silver", "gold", "other"]
    with pytest.raises(ContractForgeError, match="cycle"):
        order_steps([_Step("a", ["b"]), _Step("b", ["a"])])


def test_summary_table_and_unexpected():
    outcomes = [
        StepOutcome(
            "bronze",
            "SKIPPED",
            quality_status="SKIPPED",
            rows_read=0,
            rows_written=0,
            rows_quarantined=0,
            skip_reason="no_new_input",
            duration_seconds=1.0,
        ),
        StepOutcome("abort", "EXPECTED_FAILURE", expected_result="failed"),
        StepOutcome("bad", "FAILED"),
    ]
    table = summary_table(outcomes)
    assert "SKIPPED (no_new_input)" in table and table.splitlines()[0].startswith("step")
    assert [o.unexpected for o in outcomes] == [False, False, True]
