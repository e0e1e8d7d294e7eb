"""Run reliability: target locks with a TTL (``locks``) and idempotency policies (``idempotency``)."""
