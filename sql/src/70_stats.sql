-- ---------------------------------------------------------------- stats (issue 12)
-- One row for a DBA or an exporter to poll every few seconds. Each figure reads only what is
-- bounded by the open work (waiting plans, queued articles, open deliveries), through partial
-- indexes, never the history: ROUTED and CANCELLED plans grow without bound, so their counts
-- are estimates from the last ANALYZE (pg_stats; NULL before the first one).
-- Lines per reason need the waiting_room view, whose cost follows the waiting room: not here
-- (README: a GROUP BY on the view, to run rarely).
-- Every tenant's figures together (SPEC §7): no row or column here names an order, article or
-- plan, so none needs its tenant.

-- Its indexes (routing_plan_waiting_since, delivery_dead): sql/src/14_outbox_tables.sql.

-- The estimates read the catalog (pg_class, and pg_stats, which shows a column's statistics
-- only to who may read it) in a CTE of their own, computed before the counts: on Citus a query
-- that reads a local catalog view beside distributed tables ships the whole view, every column
-- of every statistic, as an intermediate result (and fails on its aclitem values). There the
-- estimates are NULL: the coordinator's routing_plan holds no rows of its own; the counts are
-- every shard's.
CREATE VIEW stats AS
WITH est AS MATERIALIZED (
       SELECT round(c.reltuples * coalesce(s.most_common_freqs[pg_catalog.array_position(
                  s.most_common_vals::text::text[], 'ROUTED')], 0))::bigint AS routed,
              round(c.reltuples * coalesce(s.most_common_freqs[pg_catalog.array_position(
                  s.most_common_vals::text::text[], 'CANCELLED')], 0))::bigint AS cancelled
         FROM pg_catalog.pg_class c
         LEFT JOIN pg_catalog.pg_stats s
                ON s.schemaname = 'waitroom' AND s.tablename = 'routing_plan'
               AND s.attname = 'status'
        -- reltuples is -1 before the first VACUUM or ANALYZE: no estimate, not 0.
        WHERE c.oid = 'routing_plan'::regclass AND c.reltuples >= 0 AND s.attname IS NOT NULL)
SELECT (SELECT count(*) FROM routing_plan p WHERE p.status = 'WAITING') AS plans_waiting,
       (SELECT count(*) FROM routing_plan p WHERE p.status = 'NOT_ROUTABLE') AS plans_not_routable,
       est.routed AS plans_routed_estimate,
       est.cancelled AS plans_cancelled_estimate,
       (SELECT count(*) FROM routing_plan_line l WHERE l.waiting) AS waiting_lines,
       old.since AS oldest_waiting_since,
       now() - old.since AS oldest_waiting_age,
       (SELECT count(*) FROM reroute_queue) AS reroute_queue_depth,
       (SELECT count(*) FROM delivery d WHERE d.state = 'pending') AS deliveries_pending,
       (SELECT count(*) FROM delivery d WHERE d.state = 'dead') AS deliveries_dead
  FROM (SELECT min(p.waiting_since) AS since FROM routing_plan p WHERE p.status = 'WAITING') old
 LEFT JOIN est ON true;
