"""Where a run runs: its ids and hooks (``context.RunContext``), the s3:// → local path mapping
(``paths``), secret placeholders and redaction (``secrets``), and the Spark helpers every stage
shares (``session_conf``: settings held for one run; ``frames.detached``: same rows, no lineage)."""
