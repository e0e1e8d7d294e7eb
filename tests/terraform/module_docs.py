"""Inputs/outputs tables of each module's README.md, generated from variables.tf and outputs.tf.

Like terraform-docs: the block between ``<!-- BEGIN_TF_DOCS -->`` and ``<!-- END_TF_DOCS -->`` is
generated; the rest of the README is hand-written. Regenerate after changing an interface::

    python -m tests.terraform.module_docs          # rewrites every terraform/modules/*/README.md block
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.terraform.layout import MODULE_NAMES, MODULES_DIR

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def _load(path: Path) -> dict[str, Any]:
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
    with open(path, encoding="utf-8") as handle:
        return hcl2.load(handle, serialization_options=options)


def variables(module_dir: Path) -> dict[str, dict[str, Any]]:
    blocks = _load(module_dir / "variables.tf").get("variable", [])
    return {name: body for block in blocks for name, body in block.items()}


def outputs(module_dir: Path) -> dict[str, dict[str, Any]]:
    blocks = _load(module_dir / "outputs.tf").get("output", [])
    return {name: body for block in blocks for name, body in block.items()}


def resources(module_dir: Path) -> list[str]:
    found = []
    for block in _load(module_dir / "main.tf").get("resource", []):
        for resource_type, named in block.items():
            found.extend(f"{resource_type}.{name}" for name in named)
    return sorted(found)


def _type(body: dict[str, Any]) -> str:
    text = str(body.get("type", "any"))
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return re.sub(r"\s+", " ", text).replace("{ ", "{").replace(" }", "}")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def tables(module_dir: Path) -> str:
    lines = [BEGIN, "## Requirements", "", "| Name | Version |", "|------|---------|"]
    lines += ["| terraform | >= 1.5 |", "| aws (hashicorp/aws) | >= 5.100, < 7.0 |", ""]
    lines += ["## Resources", "", "| Name |", "|------|"]
    lines += [f"| `{address}` |" for address in resources(module_dir)]
    lines += ["", "## Inputs", "", "| Name | Description | Type | Default | Required |"]
    lines += ["|------|-------------|------|---------|:--------:|"]
    for name, body in sorted(variables(module_dir).items(), key=lambda item: ("default" in item[1], item[0])):
        required = "default" not in body
        default = "n/a" if required else f"`{json.dumps(body['default'], sort_keys=True)}`"
        lines.append(
            f"| `{name}` | {_cell(body.get('description', ''))} | `{_cell(_type(body))}` | {_cell(default)} | "
            f"{'yes' if required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in sorted(outputs(module_dir).items()):
        lines.append(f"| `{name}` | {_cell(body.get('description', ''))} |")
    lines.append(END)
    return "\n".join(lines)


def render_readme(current: str, module_dir: Path) -> str:
    generated = tables(module_dir)
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        return head + generated + rest.split(END, 1)[1]
    return current.rstrip("\n") + "\n\n" + generated + "\n"


def main() -> int:
    for name in MODULE_NAMES:
        readme = MODULES_DIR / name / "README.md"
        current = readme.read_text(encoding="utf-8") if readme.is_file() else f"# {name}\n"
        readme.write_text(render_readme(current, MODULES_DIR / name), encoding="utf-8")
        print(f"wrote {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
