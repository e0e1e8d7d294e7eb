-- locks: one row per lock taken, with its status now: ACTIVE (held), RELEASED, REFUSED or EXPIRED (taken over).
WITH ended AS (
  SELECT target_table, run_id, status, released_at_utc,
         ROW_NUMBER() OVER (
           PARTITION BY target_table, run_id ORDER BY released_at_utc DESC
         ) AS end_rank
  FROM {db}.ctrl_ingestion_locks
  WHERE status IN ('RELEASED', 'REFUSED', 'EXPIRED')
)
SELECT a.target_table, a.run_id, a.owner, COALESCE(e.status, 'ACTIVE') AS status,
       a.acquired_at_utc, a.expires_at_utc, a.ttl_minutes, e.released_at_utc
FROM {db}.ctrl_ingestion_locks a
LEFT JOIN ended e
  ON e.target_table = a.target_table AND e.run_id = a.run_id AND e.end_rank = 1
WHERE a.status IN ('ACQUIRED', 'ACTIVE')
