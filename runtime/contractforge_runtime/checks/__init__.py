"""Checks between preparation and the write: quality rules (``quality.evaluate`` →
QualityOutcome: valid rows, quarantine rows, rule results) and the schema policy
(``schema_policy.enforce``: the batch against the target table; refusals fail before any write)."""
