"""A runner process for the crash and race tests: ``python -m tests.runtime.reliability.fault_child
WAREHOUSE PROJECT S3_ROOT STEP`` runs one step of PROJECT locally on a session over WAREHOUSE (the
same catalog and lock store as the test's own session) and prints the outcome as one JSON line.
The fault and pause hooks (reliability/faults.py) are set through its environment."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path


def main(warehouse: str, project: str, s3_root: str, step: str) -> int:
    from contractforge.local.runner import run_project_locally
    from contractforge.local.spark import get_local_spark

    spark = get_local_spark(Path(warehouse), Path(warehouse) / "iceberg_catalog.sqlite")
    (outcome,) = run_project_locally(project, steps=[step], s3_root=s3_root, spark=spark, out=io.StringIO())
    print(json.dumps(outcome.as_dict(), default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
