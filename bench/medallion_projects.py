"""Synthetic projects cloned from the s3-file-medallion reference project's bundles (for benches).

``write_medallion_project(root, contracts, shape)`` writes ``contracts`` steps as bronze/silver
pairs: bronze *i* is a clone of ``bronze_s3_orders_files`` (target ``b_orders_files_<i>``), silver
*i* a clone of ``silver_s3_orders_daily`` reading bronze *i* and depending on it. ``shape``:
``flat`` — the pairs are independent; ``chain`` — silver *i* also depends on silver *i−1* (the
DAG that used to overflow the recursion limit). The reference projects live in ../shared; when
they are absent :data:`REFERENCE` does not exist and callers skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REFERENCE = (
    Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "reference-projects" / "s3-file-medallion"
)
BRONZE, SILVER = "bronze_s3_orders_files", "silver_s3_orders_daily"


def available() -> bool:
    return (REFERENCE / "project.yaml").is_file()


def write_medallion_project(root: Path, contracts: int, shape: str = "flat") -> Path:
    if shape not in ("flat", "chain"):
        raise ValueError(f"shape must be flat or chain, not {shape!r}")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REFERENCE / "environments", root / "environments", dirs_exist_ok=True)
    bronze_dir = REFERENCE / "contracts" / "aws" / "bronze" / BRONZE
    silver_dir = REFERENCE / "contracts" / "aws" / "silver" / SILVER
    bronze = {p.name.split(".", 1)[1]: p.read_text(encoding="utf-8") for p in bronze_dir.glob("*.yaml")}
    silver = {p.name.split(".", 1)[1]: p.read_text(encoding="utf-8") for p in silver_dir.glob("*.yaml")}
    lines = [
        f"name: medallion_{shape}_{contracts}",
        "description: synthetic clone of s3-file-medallion (benchmarks)",
        "environments:",
        "  aws: environments/aws.environment.yaml",
        "execution_order:",
    ]
    for i in range(contracts):
        pair, is_silver = divmod(i, 2)
        name = f"silver_{pair:05d}" if is_silver else f"bronze_{pair:05d}"
        layer = "silver" if is_silver else "bronze"
        texts = silver if is_silver else bronze
        bundle = root / "contracts" / layer / name
        bundle.mkdir(parents=True, exist_ok=True)
        for suffix, text in texts.items():
            text = text.replace("b_orders_files", f"b_orders_files_{pair:05d}")
            text = text.replace("s_orders_daily", f"s_orders_daily_{pair:05d}")
            (bundle / f"{name}.{suffix}").write_text(text, encoding="utf-8")
        depends = []
        if is_silver:
            depends.append(f"bronze_{pair:05d}")
            if shape == "chain" and pair:
                depends.append(f"silver_{pair - 1:05d}")
        lines += [f"  - name: {name}", f"    layer: {layer}"]
        if depends:
            lines.append(f"    depends_on: [{', '.join(depends)}]")
        lines += ["    contracts:", f"      aws: contracts/{layer}/{name}/{name}.ingestion.yaml"]
    (root / "project.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
