"""Quality rule lists must say something: an empty ``accepted_values`` list rejects every row,
an empty ``not_null`` / ``unique_key`` / ``required_columns`` / ``expressions`` list checks
nothing while reading as if it did."""

from __future__ import annotations

from typing import Any

from contractforge.validation.locate import Problems

_LISTS = ("required_columns", "not_null", "unique_key", "expressions")


def check_rule_lists(problems: Problems, rules: Any) -> None:
    if not isinstance(rules, dict):
        return
    for key in _LISTS:
        value = rules.get(key)
        if isinstance(value, (list, tuple)) and not value:
            problems.add(("quality_rules", key), f"quality_rules.{key} is an empty list and checks nothing; "
                         "list at least one entry or remove the key", code="RULE_LIST_EMPTY")  # fmt: skip
    accepted = rules.get("accepted_values")
    if isinstance(accepted, dict):
        if not accepted:
            problems.add(("quality_rules", "accepted_values"), "accepted_values is empty and checks nothing",
                         code="RULE_LIST_EMPTY")  # fmt: skip
        for column, values in accepted.items():
            if isinstance(values, (list, tuple)) and not values:
                problems.add(("quality_rules", "accepted_values", column),
                             f"accepted_values.{column} is an empty list, which would reject every row; "
                             "list the accepted values", code="RULE_LIST_EMPTY")  # fmt: skip
