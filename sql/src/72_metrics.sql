-- ---------------------------------------------------------------- waitroomd metrics (issue 12)
-- What waitroomd's /metrics reads besides waitroom.stats and outbox_backlog() (contrib/README.md
-- lists the metrics). Both run as the owner (95_privileges.sql): the daemon reads no table
-- directly.

-- Waiting lines per reason: a GROUP BY on the waiting_room view, whose cost follows the waiting
-- room (every waiting article's queue), so the daemon polls it rarely. Reasons without a line
-- are absent (the daemon reports them as 0).
CREATE FUNCTION waiting_lines_by_reason()
RETURNS TABLE (reason text, lines bigint)
-- No JIT: at 100k waiting plans the whole view's plan cost triggers it, and compiling alone
-- took about 1.4 s per query of the same view (docs/dashboard.md).
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
    SELECT w.reason, count(*) FROM waiting_room w GROUP BY w.reason
$$;

-- waitroom.stats for waitroomd's gauges, read as the owner (95_privileges.sql): on Citus a view's
-- reads of the shards run on the workers as the caller, whom the tables do not admit (the
-- daemon may read the view, not routing_plan_line); a SECURITY DEFINER function's run as the owner.
CREATE FUNCTION stats_gauges() RETURNS SETOF stats
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    SELECT * FROM stats
$$;

-- Seconds from each event's creation until now, in the order given (NULL for an unknown id):
-- the delivery latency, taken by the daemon as it acknowledges, on the database's clock.
-- tenant_ids: each event's tenant, as claim_deliveries named it (NULL, or a NULL element: the
-- event with that id, whatever its tenant).
CREATE FUNCTION event_ages(event_ids bigint[], tenant_ids text[] DEFAULT NULL)
RETURNS double precision[]
-- PL/pgSQL: Citus cannot plan a SQL function's statement with its parameters (50_outbox.sql).
-- Naming the batch's one tenant as a constant sends the whole statement to its shard there.
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    one_tenant text := only_tenant(tenant_ids);
BEGIN
    RETURN (SELECT array_agg(extract(epoch FROM clock_timestamp() - ev.created_at)::float8 ORDER BY a.n)
      FROM unnest(event_ids, tenant_ids) WITH ORDINALITY a(event_id, tenant_id, n)
      LEFT JOIN LATERAL (
            SELECT e.created_at FROM event e
             WHERE e.event_id = a.event_id
               AND (a.tenant_id IS NULL OR e.tenant_id = a.tenant_id)
               AND (one_tenant IS NULL OR e.tenant_id = one_tenant)
             LIMIT 1) ev ON true
     WHERE a.n <= cardinality(event_ids));
END
$$;
