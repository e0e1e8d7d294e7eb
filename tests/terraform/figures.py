"""Figures the Terraform tier proved, printed in pytest's terminal summary (see conftest.py).

Kept in its own module: conftest.py is imported by pytest under another module name, so a
counter defined there would exist twice.
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def record(figure: str, amount: int = 1) -> None:
    """Count something a test proved, e.g. record("modules validated")."""
    FIGURES[figure] += amount


def summary_line() -> str | None:
    if not FIGURES:
        return None
    return "terraform tier: " + ", ".join(f"{count} {figure}" for figure, count in sorted(FIGURES.items()))
