"""The wheel carries exactly the Terraform module files the compile vendors: setup.py derives
its data files from terraform/modules/ with the rule of ``render.inputs.load_module_files``."""

from __future__ import annotations

import runpy

from contractforge.render.inputs import load_module_files

from tests.terraform.layout import MODULES_DIR, REPO_ROOT

INSTALLED = "share/contractforge/terraform/modules/"


def test_the_wheel_data_files_are_the_vendored_module_files() -> None:
    setup = runpy.run_path(str(REPO_ROOT / "setup.py"))  # not __main__: setup() is not called
    data_files = setup["terraform_data_files"](MODULES_DIR)
    packaged = {
        f"{target[len(INSTALLED) :]}/{source.rsplit('/', 1)[1]}"
        for target, sources in data_files
        for source in sources
    }
    vendored = {
        f"{module}/{path}" for module, files in load_module_files(MODULES_DIR).items() for path in files
    }
    assert packaged == vendored
    assert {path.split("/", 1)[0] for path in packaged} == {
        p.name for p in MODULES_DIR.iterdir() if p.is_dir()
    }
