-- open_locks: locks never released, flagged EXPIRED when expires_at_utc is before {now}.
SELECT l.target_table, l.run_id, l.owner, l.acquired_at_utc, l.expires_at_utc, l.ttl_minutes,
       CASE WHEN l.expires_at_utc < {now} THEN 'EXPIRED' ELSE 'OPEN' END AS lock_state
FROM {db}.ctrl_ingestion_locks l
WHERE l.released_at_utc IS NULL
  AND COALESCE(l.status, '') <> 'RELEASED'
  AND l.target_table IN ({targets})
  AND NOT EXISTS (
    SELECT 1
    FROM {db}.ctrl_ingestion_locks r
    WHERE r.target_table = l.target_table
      AND r.run_id = l.run_id
      AND (r.released_at_utc IS NOT NULL OR r.status = 'RELEASED')
  )
ORDER BY l.target_table, l.acquired_at_utc
