"""Write stage: the key guards and key classification (``key_check``), row hashes (``hashing``),
Iceberg table helpers (``iceberg_tables``) and the four write modes on Iceberg (``writes.write`` →
WriteResult)."""
