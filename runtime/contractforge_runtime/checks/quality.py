"""Quality rules: one evaluation pass, per-rule evidence rows, quarantine split, abort decision.

Semantics (docs/quality.md): the rule's severity decides what a failure does and
``on_quality_fail`` decides what a *quarantine*-severity failure does:

=================  ======================  ====================  ===================
rule severity      on_quality_fail=fail    =quarantine           =warn
=================  ======================  ====================  ===================
warn               WARNED, rows kept       WARNED, rows kept     WARNED, rows kept
quarantine         FAILED (run fails)      QUARANTINED (rows     WARNED, rows kept
                                           moved to quarantine)
abort              FAILED (run fails)      FAILED (run fails)    FAILED (run fails)
=================  ======================  ====================  ===================

Dataset-level rules (required_columns, min_rows, max_null_ratio) cannot isolate rows, so a
quarantine-severity failure of one of them under ``quarantine`` is WARNED. A rule whose columns
are missing (or whose expression does not compile) cannot be evaluated and always FAILS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUS_ORDER = ("NOT_CONFIGURED", "PASSED", "WARNED", "QUARANTINED", "FAILED")
ROW_LEVEL_KINDS = ("not_null", "accepted_values", "expression", "unique_key")
DATASET_KINDS = ("required_columns", "min_rows", "max_null_ratio")
SEVERITIES = ("warn", "quarantine", "abort")
POLICIES = ("fail", "quarantine", "warn")
_ACTION_STATUS = {"warn": "WARNED", "quarantine": "QUARANTINED", "fail": "FAILED"}
_QUARANTINE_FLAG = "__cf_quarantined"


@dataclass
class QualityOutcome:
    valid_df: object  # DataFrame: rows that go on to the write
    quarantine_df: object | None  # ctrl_ingestion_quarantine columns (minus run_id/target/ts)
    results: list[dict]  # ctrl_ingestion_quality rows (minus run_id/target/ts)
    status: str  # PASSED | WARNED | QUARANTINED | FAILED | NOT_CONFIGURED
    rows_quarantined: int
    abort_message: str | None  # set → the run fails before any write
    rows_evaluated: int = 0
    _cached: list = field(default_factory=list, repr=False)

    def release(self) -> None:
        """Drop the cached evaluation frame once the write (and quarantine append) is done."""
        for df in self._cached:
            df.unpersist()
        self._cached.clear()


def worst_status(statuses) -> str:
    return max(statuses, key=STATUS_ORDER.index, default="NOT_CONFIGURED")


def failure_action(rule: dict, on_quality_fail: str) -> str:
    """What a failure of ``rule`` does: "warn", "quarantine" or "fail" (see the module table)."""
    severity = rule.get("severity", "abort")
    if severity not in SEVERITIES:
        raise ValueError(f"quality rule {rule.get('name')!r}: unknown severity {severity!r}")
    if on_quality_fail not in POLICIES:
        raise ValueError(f"unknown on_quality_fail {on_quality_fail!r}; expected one of {POLICIES}")
    if severity == "abort":
        return "fail"
    if severity == "warn" or on_quality_fail == "warn":
        return "warn"
    if on_quality_fail == "fail":
        return "fail"
    return "quarantine" if rule["kind"] in ROW_LEVEL_KINDS else "warn"


def evaluate(df, rules: list[dict], on_quality_fail: str = "fail", record_keys: list[str] | None = None):
    """Evaluate ``rules`` (run plan ``quality.rules``) on ``df`` in one cached pass."""
    from pyspark.sql import functions as F

    if not rules:
        return QualityOutcome(df, None, [], "NOT_CONFIGURED", 0, None)
    columns = set(df.columns)
    string_columns = {name for name, dtype in df.dtypes if dtype == "string"}
    actions = [failure_action(rule, on_quality_fail) for rule in rules]
    flags = {}  # rule index → boolean Column, true when the row fails the rule
    unevaluable = {}  # rule index → reason
    for index, rule in enumerate(rules):
        missing = [c for c in rule.get("columns", []) if c not in columns]
        if rule["kind"] == "required_columns":
            continue
        if missing:
            unevaluable[index] = f"missing column(s) {missing}"
        elif rule["kind"] == "unique_key" and actions[index] != "quarantine":
            continue  # counted by a hash aggregation below; a per-row window is only needed to split
        elif rule["kind"] in ROW_LEVEL_KINDS:
            try:
                flag = _failure_flag(rule, string_columns)
                _ = df.select(flag).schema  # analysis only (no job): a bad expression fails here
                flags[index] = flag
            except Exception as exc:  # noqa: BLE001 - reported as a FAILED rule, not a crash
                unevaluable[index] = f"cannot evaluate: {str(exc).splitlines()[0]}"
        elif rule["kind"] not in DATASET_KINDS:
            raise ValueError(f"quality rule {rule.get('name')!r}: unknown kind {rule['kind']!r}")

    quarantining = [i for i in flags if actions[i] == "quarantine"]
    flag_columns = [flags[i].alias(_flag_name(i)) for i in flags]
    any_quarantine = F.lit(False)
    for i in quarantining:
        any_quarantine = any_quarantine | F.col(_flag_name(i))
    original = list(df.columns)
    flagged = df.select("*", *flag_columns, any_quarantine.alias(_QUARANTINE_FLAG))
    cached = []
    windowed = any(rules[i]["kind"] == "unique_key" for i in quarantining)
    if quarantining and (windowed or not df.is_cached):
        # Rows will be split: the counts, the quarantine rows and the write must see the same rows
        # (CURRENT_TIMESTAMP() computed once, a unique_key window shuffled once). The runner
        # persists the prepared frame already; a second cached copy is only worth it for a window.
        flagged = flagged.cache()
        cached.append(flagged)

    aggregates = [F.count(F.lit(1)).alias("rows")]
    aggregates += [F.sum(F.col(_flag_name(i)).cast("long")).alias(_flag_name(i)) for i in flags]
    aggregates.append(F.sum(F.col(_QUARANTINE_FLAG).cast("long")).alias(_QUARANTINE_FLAG))
    for index, rule in enumerate(rules):
        if rule["kind"] == "max_null_ratio" and index not in unevaluable:
            for c in rule["columns"]:
                aggregates.append(F.sum(_col(c).isNull().cast("long")).alias(_null_name(index, c)))
    counts = flagged.agg(*aggregates).first().asDict()
    total = counts["rows"]
    for index, rule in enumerate(rules):
        if rule["kind"] == "unique_key" and index not in flags and index not in unevaluable:
            counts[_flag_name(index)] = _duplicate_rows(df, rule["columns"])

    results = []
    for index, rule in enumerate(rules):
        if index in unevaluable:
            passed, failed_count, observed = False, None, unevaluable[index]
            action = "fail"
        else:
            passed, failed_count, observed = _judge(rule, index, counts, total, columns)
            action = actions[index]
        status = "PASSED" if passed else _ACTION_STATUS[action]
        results.append(_result_row(rule, status, failed_count, observed, action, total))

    failed_rules = [rules[i] for i, r in enumerate(results) if r["status"] == "FAILED"]
    rows_quarantined = int(counts[_QUARANTINE_FLAG] or 0)
    status = worst_status(["PASSED"] + [r["status"] for r in results])
    outcome = QualityOutcome(df, None, results, status, 0, None, total, cached)
    if failed_rules:
        outcome.abort_message = abort_message(failed_rules)
        return outcome
    if not quarantining:
        return outcome
    outcome.valid_df = flagged.filter(~F.col(_QUARANTINE_FLAG)).select(*[_col(c) for c in original])
    outcome.rows_quarantined = rows_quarantined
    if rows_quarantined:
        failing = flagged.filter(F.col(_QUARANTINE_FLAG))
        outcome.quarantine_df = _quarantine_rows(failing, original, rules, quarantining, record_keys)
    return outcome


def abort_message(failed_rules: list[dict]) -> str:
    """Reference wording: expressions and other rules are reported separately."""
    expressions = [r["name"] for r in failed_rules if r["kind"] == "expression"]
    others = [r["name"] for r in failed_rules if r["kind"] != "expression"]
    parts = []
    if others:
        parts.append(f"Data quality (abort) failed: [{', '.join(others)}]")
    if expressions:
        parts.append(f"Data quality expression failed: {', '.join(expressions)}")
    return "; ".join(parts)


def _failure_flag(rule: dict, string_columns: set[str] = frozenset()):
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    kind = rule["kind"]
    cols = rule.get("columns", [])
    if kind == "not_null":
        flag = F.lit(False)
        for c in cols:
            flag = flag | _col(c).isNull()
        return flag
    if kind == "accepted_values":
        # NULL passes: not_null is the rule for missing values.
        values = [v for v in rule.get("values", []) if v is not None]
        flag = F.lit(False)
        for c in cols:
            # Compare strings as strings (YAML may give 1 or true for a string column), and treat an
            # undecidable comparison as a failure: a NULL flag would drop the row from both sides.
            accepted = [_as_text(v) for v in values] if c in string_columns else values
            flag = flag | (_col(c).isNotNull() & F.coalesce(~_col(c).isin(accepted), F.lit(True)))
        return flag
    if kind == "expression":
        expression = F.expr(f"({rule['expression']})")
        return F.coalesce(~expression, F.lit(True))  # NULL counts as a failure
    if kind == "unique_key":
        return F.count(F.lit(1)).over(Window.partitionBy(*[_col(c) for c in cols])) > 1
    raise ValueError(kind)


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _duplicate_rows(df, columns: list[str]) -> int:
    """Rows whose key occurs more than once (one hash aggregation, no sort)."""
    from pyspark.sql import functions as F

    duplicated = df.groupBy(*[_col(c) for c in columns]).count().filter(F.col("count") > 1)
    return int(duplicated.agg(F.sum("count")).first()[0] or 0)


def _judge(rule: dict, index: int, counts: dict, total: int, columns: set) -> tuple[bool, int, str]:
    kind = rule["kind"]
    if kind == "required_columns":
        missing = [c for c in rule.get("columns", []) if c not in columns]
        return not missing, len(missing), ",".join(missing)
    if kind == "min_rows":
        minimum = int(rule["value"])
        return total >= minimum, 0 if total >= minimum else 1, str(total)
    if kind == "max_null_ratio":
        limit = float(rule["value"])
        nulls = {c: int(counts[_null_name(index, c)] or 0) for c in rule["columns"]}
        ratios = {c: (n / total if total else 0.0) for c, n in nulls.items()}
        worst = max(ratios.values(), default=0.0)
        return worst <= limit, sum(n for c, n in nulls.items() if ratios[c] > limit), f"{worst:.6g}"
    failed = int(counts[_flag_name(index)] or 0)
    return failed == 0, failed, str(failed)


def _default_message(rule: dict) -> str:
    kind, cols = rule["kind"], ", ".join(rule.get("columns", []))
    return {
        "required_columns": f"required columns present: {cols}",
        "not_null": f"{cols} must not be NULL",
        "unique_key": f"({cols}) must be unique",
        "accepted_values": f"{cols} must be one of {rule.get('values')}",
        "min_rows": f"at least {rule.get('value')} rows",
        "max_null_ratio": f"NULL ratio of {cols} must be <= {rule.get('value')}",
        "expression": f"rows must satisfy: {rule.get('expression')}",
    }.get(kind, kind)


def _result_row(rule, status, failed_count, observed, action, total) -> dict:
    details = {
        "kind": rule["kind"],
        "columns": rule.get("columns", []),
        "action_on_failure": action,
        "rows_evaluated": total,
    }
    for key in ("values", "value", "expression"):
        if key in rule:
            details[key] = rule[key]
    return {
        "rule_name": rule["name"],
        "status": status,
        "severity": rule.get("severity", "abort"),
        "failed_count": failed_count,
        "observed_value": observed,
        "message": rule.get("message") or _default_message(rule),
        "details_json": details,
    }


def _quarantine_rows(failing, original, rules, quarantining, record_keys):
    from pyspark.sql import functions as F

    names = [F.when(F.col(_flag_name(i)), F.lit(rules[i]["name"])) for i in quarantining]
    messages = [
        F.when(F.col(_flag_name(i)), F.lit(rules[i].get("message") or _default_message(rules[i])))
        for i in quarantining
    ]
    payload = F.to_json(F.struct(*[_col(c) for c in sorted(original)]), {"ignoreNullFields": "false"})
    keys = [k for k in (record_keys or []) if k in original]
    record_ref = (
        F.to_json(F.struct(*[_col(k) for k in keys]), {"ignoreNullFields": "false"})
        if keys
        else F.lit(None).cast("string")
    )
    rule_names = F.concat_ws(",", *names)
    return failing.select(
        rule_names.alias("rule_name"),
        F.concat_ws("; ", *messages).alias("error_reason"),
        payload.alias("record_payload"),
        record_ref.alias("record_ref"),
        F.concat(F.lit("quality rule failed: "), rule_names).alias("reason"),
    )


def _col(name: str):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _flag_name(index: int) -> str:
    return f"__cf_rule_{index}"


def _null_name(index: int, column: str) -> str:
    return f"__cf_nulls_{index}_{column}"
