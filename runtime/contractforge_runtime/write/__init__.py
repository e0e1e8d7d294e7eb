"""Write stage: the key guards and key classification (``key_check``), row hashes (``hashing``),
Iceberg table helpers (``iceberg_tables``) and the write modes on Iceberg (``writes.write`` →
WriteResult); history (SCD2) and snapshot soft delete in their own modules."""
