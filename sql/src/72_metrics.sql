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

-- Seconds from each event's creation until now, in the order given (NULL for an unknown id):
-- the delivery latency, taken by the daemon as it acknowledges, on the database's clock.
CREATE FUNCTION event_ages(event_ids bigint[])
RETURNS double precision[]
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    SELECT array_agg(extract(epoch FROM clock_timestamp() - ev.created_at)::float8 ORDER BY a.n)
      FROM unnest(event_ids) WITH ORDINALITY a(event_id, n)
      LEFT JOIN event ev ON ev.event_id = a.event_id
$$;
