"""Named evidence queries (Athena/Trino dialect with {db}-style placeholders), shipped as package data."""
