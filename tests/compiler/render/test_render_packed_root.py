"""A packed layout's root still covers every step it runs: each target database in the catalog, the
lock table, and (Lake Formation on) write grants of the pack's role on every step's databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from contractforge.api import plan_project
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files

from tests.compiler.render.golden import FIXED_RUNTIME

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "orders-medallion"
DATABASES = ["shop_orders_bronze", "shop_orders_gold", "shop_orders_ops", "shop_orders_silver"]


def _main(tmp_path: Path, **aws) -> dict:
    project = tmp_path / "orders-medallion"
    shutil.copytree(EXAMPLE, project)
    env_file = project / "environments" / "aws.environment.yaml"
    env = yaml.safe_load(env_file.read_text())
    env["parameters"]["aws"].update(aws)
    env_file.write_text(yaml.safe_dump(env, sort_keys=False))
    tree = render_build(plan_project(project), CompileOptions(), load_module_files(), FIXED_RUNTIME)
    return json.loads(tree.files["main.tf.json"])


def test_packed_root_keeps_every_database_and_the_lock_table(tmp_path):
    unpacked = _main(tmp_path / "a")
    packed = _main(tmp_path / "b", packing="project")
    assert list(packed["locals"]["glue_jobs"]) == ["project"]
    assert packed["module"]["catalog"] == unpacked["module"]["catalog"]
    assert sorted(packed["module"]["catalog"]["databases"]) == DATABASES
    assert packed["module"]["locks"] == unpacked["module"]["locks"]


def test_packed_role_gets_lake_formation_grants_on_every_step_database(tmp_path):
    main = _main(tmp_path, packing="project", lake_formation=True)
    grants = main["module"]["lakeformation"]["for_each"]
    assert list(grants) == ["project"]
    assert grants["project"]["databases"] == DATABASES
