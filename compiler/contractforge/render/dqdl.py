"""Run-plan quality rules → AWS Glue Data Quality ruleset (DQDL):
docs/compile.md#review-artifacts-dqdl-and-the-hash-diff-performance-profile.

Review/native-reuse artifact only: the runtime evaluates the rules itself. Every mappable rule
is listed regardless of severity; ``expression`` rules have no DQDL form and are left out.
"""

from __future__ import annotations

from typing import Any


def render_dqdl(run_plan: dict[str, Any]) -> str | None:
    """``Rules = [ ... ]`` text, or None when no rule maps to DQDL."""
    rules = [line for rule in (run_plan.get("quality") or {}).get("rules") or [] for line in dqdl_rules(rule)]
    if not rules:
        return None
    return "Rules = [\n" + ",\n".join(f"    {rule}" for rule in rules) + "\n]\n"


def dqdl_rules(rule: dict[str, Any]) -> list[str]:
    kind, columns = rule.get("kind"), list(rule.get("columns") or [])
    if kind == "required_columns":
        return [f"ColumnExists {_quoted(c)}" for c in columns]
    if kind == "not_null":
        return [f"IsComplete {_quoted(c)}" for c in columns]
    if kind == "unique_key" and len(columns) == 1:
        return [f"IsUnique {_quoted(columns[0])}"]
    if kind == "unique_key" and columns:
        return ["IsPrimaryKey " + " ".join(_quoted(c) for c in columns)]
    if kind in ("min_rows", "row_count_minimum") and rule.get("value") is not None:
        return [f"RowCount >= {int(rule['value'])}"]
    if kind == "accepted_values" and columns:
        values = ", ".join(_literal(v) for v in rule.get("values") or [] if v is not None)
        return [f"ColumnValues {_quoted(columns[0])} in [ {values} ]"]
    if kind == "max_null_ratio" and rule.get("value") is not None:
        minimum = f"{1 - float(rule['value']):.6g}"
        return [f"Completeness {_quoted(c)} >= {minimum}" for c in columns]
    return []


def _quoted(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return _quoted(value)
