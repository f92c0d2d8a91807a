-- ---------------------------------------------------------------- outbox delivery (SPEC §5)
--
-- `event` is the outbox; this file adds who receives it and how far each receiver got.
--   subscription     a sink: the JSON-lines stdout of waitroomd, or an HTTP webhook
--   delivery         one row per (event, subscription): pending / delivered / dead / discarded
--   dead_letter      view: deliveries that gave up, and how many later events wait behind them
--   outbox_status    view: per subscription, what is pending, delivered, dead, and the lag
-- The insert trigger on `event` fans each event out to the matching subscriptions in the same
-- transaction and sends a NOTIFY that carries an event id only: a wake-up, never the data.
--
-- Ordering: the events of one order (the lane: subscription + tenant_id + order_id) are
-- delivered in event_id order. waitroomd claims the head of a lane with FOR UPDATE SKIP LOCKED; a row is a
-- head only when no earlier row of its lane is pending or dead, so a dead letter holds back the
-- later events of that order for that subscription (only) until a DBA retries or discards it.
--
-- Tenants (SPEC §7): a delivery carries its event's tenant_id (last column, leading its key and
-- its reference to the event); every join between event and delivery, and every lane, includes
-- it. Subscriptions and outbox_setting are global: a subscription receives every tenant's events
-- (each payload names its tenantId). event_id is one identity on one node, so an event id alone
-- still names one event there; the functions take an optional tenant to be told which.

-- The tables (subscription, delivery, outbox_setting): sql/src/14_outbox_tables.sql.

-- A dump load replaces the stdout row CREATE EXTENSION made (_dump_load_starts,
-- 22_direct_writes.sql).
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON subscription
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts('subscription');
ALTER TABLE subscription ENABLE ALWAYS TRIGGER _dump_load_starts;

-- ---------------------------------------------------------------- fan-out and wake-up

-- Statement level: one INSERT … SELECT and one NOTIFY per inserting statement, whatever its size.
-- The NOTIFY payload is the statement's highest event id (only a hint; the table is the truth).
CREATE FUNCTION fan_out_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    last_id bigint;
    subs subscription[];
    t text[];
    e bigint[];
    s_ids text[];
    o uuid[];
    due timestamptz[];
BEGIN
    -- Paused subscriptions too: their rows wait at 'infinity', where claims never look.
    -- In three steps, for Citus, where this trigger fires on an event shard: Citus cannot plan
    -- a statement that reads the transition table together with a Citus table ("unrecognized
    -- RTE kind: 7"), nor an INSERT ... SELECT from it. So the subscriptions are read first (a
    -- reference table there, read locally), joined with the events in memory, and inserted
    -- from arrays (routed by tenant_id to the co-located delivery shard). One INSERT still.
    subs := ARRAY(SELECT s FROM subscription s);
    SELECT array_agg(n.tenant_id), array_agg(n.event_id), array_agg(s.subscription_id),
           array_agg(coalesce(n.order_id, '00000000-0000-0000-0000-000000000000'::uuid)),
           array_agg(CASE WHEN s.active THEN clock_timestamp() ELSE 'infinity' END)
      INTO t, e, s_ids, o, due
      FROM new_events n
      JOIN unnest(subs) s ON s.events IS NULL OR n.event = ANY (s.events);
    IF e IS NOT NULL THEN
        INSERT INTO delivery (tenant_id, event_id, subscription_id, order_id, next_attempt_at)
        SELECT * FROM unnest(t, e, s_ids, o, due);
    END IF;
    SELECT max(event_id) INTO last_id FROM new_events;
    IF last_id IS NOT NULL THEN
        PERFORM pg_notify('waitroom_event', last_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER event_fan_out AFTER INSERT ON event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION fan_out_events();

-- Pausing parks the subscription's pending deliveries at 'infinity' (claims skip them
-- cheaply); resuming makes them due now, except lanes held behind a dead letter.
-- A resume first takes SHARE on delivery: it waits for every fan-out in flight (which may have
-- read the subscription as paused and parked its rows) and holds new ones off until it
-- commits, so no row parked by a concurrent fan-out is missed. A pause needs no lock: rows a
-- concurrent fan-out makes due are still skipped by claims while the subscription is paused.
-- The wait is bounded (lock_timeout): a resume that cannot get in fails with 55P03 and can be
-- repeated, rather than holding event producers behind it.
CREATE FUNCTION _subscription_paused_or_resumed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp SET lock_timeout = '5s' AS $$
BEGIN
    IF NOT NEW.active THEN
        UPDATE delivery d SET next_attempt_at = 'infinity'
         WHERE d.subscription_id = NEW.subscription_id AND d.state = 'pending'
           AND d.next_attempt_at < 'infinity';
    ELSE
        LOCK TABLE delivery IN SHARE MODE;
        UPDATE delivery l SET next_attempt_at = clock_timestamp()
         WHERE l.subscription_id = NEW.subscription_id AND l.state = 'pending'
           AND l.next_attempt_at = 'infinity'
           AND NOT EXISTS (SELECT FROM delivery e
                            WHERE e.tenant_id = l.tenant_id
                              AND e.subscription_id = l.subscription_id AND e.order_id = l.order_id
                              AND e.state = 'dead' AND e.event_id < l.event_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER subscription_paused_or_resumed AFTER UPDATE OF active ON subscription
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION _subscription_paused_or_resumed();

-- ---------------------------------------------------------------- daemon API

-- Claims up to max_lanes lane heads (skipping lanes another daemon holds) and, behind each head,
-- up to per_lane pending deliveries of the same lane, all locked until the caller's transaction
-- ends. Rows come in lane order, then event_id; `due` false means "stop this lane here".
-- webhooks: whether webhook subscriptions are served; stdout_subscription: the stdout sink's
-- subscription this caller serves (NULL = none); tenant_id: that tenant's deliveries only
-- (NULL = every tenant's). Each row names its event's tenant (event_tenant_id, last), which
-- ack_deliveries and fail_delivery take back.
-- PL/pgSQL, not SQL, here and in the daemon's other calls: Citus cannot plan a SQL function's
-- statements with their parameters ("could not create distributed plan"), and plans a
-- PL/pgSQL one with custom plans (distribute() sets force_custom_plan), where the tenant is a
-- constant: every relation of the claim then names it, so the whole statement goes to that
-- tenant's shard, locks included (docs/scaling.md).
CREATE FUNCTION claim_deliveries(webhooks bool, stdout_subscription text,
                                 max_lanes int DEFAULT 64, per_lane int DEFAULT 100,
                                 tenant_id text DEFAULT NULL)
RETURNS TABLE (subscription_id text, event_id bigint, order_id uuid, attempts int, due bool,
               kind text, url text, headers jsonb, secret text, max_attempts int, body text,
               event_tenant_id text)
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH heads AS MATERIALIZED (
        SELECT d.tenant_id, d.subscription_id, d.order_id, d.event_id
          FROM delivery d
          JOIN subscription s ON s.subscription_id = d.subscription_id
         WHERE d.state = 'pending'
           -- statement_timestamp(), not clock_timestamp(): a stable bound the index scan can use.
           AND d.next_attempt_at <= statement_timestamp()
           AND s.active
           AND ((s.kind = 'webhook' AND webhooks) OR s.subscription_id = stdout_subscription)
           AND (claim_deliveries.tenant_id IS NULL OR d.tenant_id = claim_deliveries.tenant_id)
           -- The lane's head: its first open event. As min() over the lane, not NOT EXISTS with
           -- "e.event_id < d.event_id": that range fits the primary key (tenant_id, event_id,
           -- ...) too, and without statistics the planner took it, reading every earlier
           -- delivery of the tenant per candidate (53 s for one claim of a 10,000 backlog).
           AND d.event_id = (SELECT min(e.event_id) FROM delivery e
                              WHERE e.tenant_id = d.tenant_id
                                AND e.subscription_id = d.subscription_id
                                AND e.order_id = d.order_id
                                AND e.state IN ('pending', 'dead')
                                -- Citus routes a subquery to one shard only when it names
                                -- the tenant itself, as the lateral below does.
                                AND (claim_deliveries.tenant_id IS NULL
                                     OR e.tenant_id = claim_deliveries.tenant_id))
         ORDER BY d.next_attempt_at
         LIMIT max_lanes
           FOR UPDATE OF d SKIP LOCKED)
    SELECT f.subscription_id, f.event_id, f.order_id, f.attempts,
           f.next_attempt_at <= clock_timestamp(),
           s.kind, s.url, s.headers, s.secret, s.max_attempts,
           jsonb_build_object('event', ev.event, 'eventId', ev.event_id,
                              'payload', ev.payload)::text,
           f.tenant_id
      FROM heads h
     CROSS JOIN LATERAL (
            SELECT l.tenant_id, l.subscription_id, l.event_id, l.order_id, l.attempts,
                   l.next_attempt_at
              FROM delivery l
             WHERE l.tenant_id = h.tenant_id
               AND l.subscription_id = h.subscription_id
               AND l.order_id = h.order_id
               AND l.state = 'pending'
               AND l.event_id >= h.event_id
               AND (claim_deliveries.tenant_id IS NULL OR l.tenant_id = claim_deliveries.tenant_id)
             ORDER BY l.event_id
             LIMIT per_lane
               FOR UPDATE) f
      JOIN subscription s ON s.subscription_id = f.subscription_id
      JOIN event ev ON ev.tenant_id = f.tenant_id AND ev.event_id = f.event_id
     WHERE (claim_deliveries.tenant_id IS NULL OR ev.tenant_id = claim_deliveries.tenant_id)
     ORDER BY h.event_id, h.subscription_id, h.tenant_id, f.event_id;
END
$$;

-- The tenants with a delivery due now for the sinks the caller serves: on Citus, where a claim
-- locks rows and so must name its tenant (one node), waitroomd claims tenant by tenant. Reads
-- only (no lock); on Citus one query on every shard.
CREATE FUNCTION pending_delivery_tenants(webhooks bool, stdout_subscription text)
RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT d.tenant_id
      FROM delivery d
      JOIN subscription s ON s.subscription_id = d.subscription_id
     WHERE d.state = 'pending'
       AND d.next_attempt_at <= statement_timestamp()
       AND s.active
       AND ((s.kind = 'webhook' AND webhooks) OR s.subscription_id = stdout_subscription)
     GROUP BY d.tenant_id
     ORDER BY d.tenant_id;
END
$$;

-- The tenant of every element when they are all one tenant's (no NULL), else NULL: a batch of
-- waitroomd on Citus is one tenant's, and a statement that names it as a constant runs on its
-- shard alone.
CREATE FUNCTION only_tenant(tenant_ids text[]) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    SELECT min(t) FROM unnest(tenant_ids) t HAVING count(DISTINCT t) = 1 AND count(t) = count(*)
$$;

-- Marks deliveries done. Returns how many were still pending: fewer than given means another
-- daemon had already delivered some (a duplicate the caller counts). tenant_ids: each
-- delivery's tenant, as claim_deliveries named it (NULL, or a NULL element: found by event id).
-- When they are all one tenant's, the UPDATE names it as a constant (on Citus: one shard).
CREATE FUNCTION ack_deliveries(subscription_ids text[], event_ids bigint[], delivered_by text,
                               tenant_ids text[] DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    one_tenant text := only_tenant(tenant_ids);
    -- A variable, not clock_timestamp() in the UPDATE: Citus refuses volatile functions there.
    moment timestamptz := clock_timestamp();
    acked int;
BEGIN
    WITH done AS (
        UPDATE delivery d
           SET state = 'delivered', attempts = d.attempts + 1,
               last_attempt_at = moment, delivered_at = moment,
               last_error = NULL, delivered_by = ack_deliveries.delivered_by
          FROM unnest(subscription_ids, event_ids, tenant_ids)
               AS a(subscription_id, event_id, tenant_id)
         WHERE d.subscription_id = a.subscription_id
           AND d.event_id = a.event_id
           AND (a.tenant_id IS NULL OR d.tenant_id = a.tenant_id)
           AND (one_tenant IS NULL OR d.tenant_id = one_tenant)
           AND d.state = 'pending'
        RETURNING 1)
    SELECT count(*)::int INTO acked FROM done;
    RETURN acked;
END
$$;

-- Records a failed attempt: retry after retry_in, or dead-letter once max_attempts (the
-- subscription's own, else the caller's default) is reached. The rest of the lane is pushed
-- back with it (to 'infinity' behind a dead letter), so claims skip the lane cheaply until then.
-- Returns the new state. tenant_id: the delivery's (NULL: found by event id).
CREATE FUNCTION fail_delivery(subscription_id text, event_id bigint, error text,
                              retry_in interval, default_max_attempts int, delivered_by text,
                              tenant_id text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    moment timestamptz := clock_timestamp();  -- not in the UPDATE (Citus: no volatile there)
    new_state text;
BEGIN
    WITH failed AS (
        UPDATE delivery d
           SET attempts = d.attempts + 1,
               last_attempt_at = moment,
               -- A short reason only (waitroomd sends a status, never reply bytes).
               last_error = left(regexp_replace(error, '[[:cntrl:]]+', ' ', 'g'), 200),
               delivered_by = fail_delivery.delivered_by,
               next_attempt_at = moment + retry_in,
               state = CASE WHEN d.attempts + 1 >= coalesce(s.max_attempts, default_max_attempts)
                            THEN 'dead' ELSE 'pending' END
          FROM subscription s
         WHERE s.subscription_id = d.subscription_id
           AND d.subscription_id = fail_delivery.subscription_id
           AND d.event_id = fail_delivery.event_id
           AND (fail_delivery.tenant_id IS NULL OR d.tenant_id = fail_delivery.tenant_id)
           AND d.state = 'pending'
        RETURNING d.tenant_id, d.subscription_id, d.order_id, d.event_id, d.state,
                  d.next_attempt_at),
    held_back AS (
        UPDATE delivery l
           SET next_attempt_at = CASE WHEN f.state = 'dead' THEN 'infinity'
                                      ELSE greatest(l.next_attempt_at, f.next_attempt_at) END
          FROM failed f
         WHERE l.tenant_id = f.tenant_id
           AND (fail_delivery.tenant_id IS NULL OR l.tenant_id = fail_delivery.tenant_id)
           AND l.subscription_id = f.subscription_id
           AND l.order_id = f.order_id
           AND l.state = 'pending'
           AND l.event_id > f.event_id)
    SELECT f.state INTO new_state FROM failed f;
    RETURN new_state;
END
$$;

-- What the daemon reports: how much is pending for the sinks it serves, the age of the oldest
-- pending event (the lag), and in how many seconds the next pending delivery is due. Every
-- tenant's: one daemon serves them all.
CREATE FUNCTION outbox_backlog(webhooks bool, stdout_subscription text)
RETURNS TABLE (pending bigint, oldest_pending_age double precision, next_due_in double precision)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY
    WITH served AS (
        SELECT s.subscription_id FROM subscription s
         WHERE s.active
           AND ((s.kind = 'webhook' AND webhooks) OR s.subscription_id = stdout_subscription))
    SELECT (SELECT count(*) FROM delivery d
             WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)),
           coalesce((SELECT extract(epoch FROM clock_timestamp() - ev.created_at)::float8
                       FROM delivery d
                       JOIN event ev ON ev.tenant_id = d.tenant_id AND ev.event_id = d.event_id
                      WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)
                      ORDER BY d.event_id LIMIT 1), 0),
           -- Lanes behind a dead letter wait at 'infinity': no retry is due there.
           (SELECT extract(epoch FROM d.next_attempt_at)::float8
                   - extract(epoch FROM clock_timestamp())::float8
              FROM delivery d
             WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)
               AND d.next_attempt_at < 'infinity'
             ORDER BY d.next_attempt_at LIMIT 1);
END
$$;

-- ---------------------------------------------------------------- DBA views and actions

-- tenant_id last (SPEC §7): the same order id may be another tenant's.
CREATE VIEW dead_letter AS
SELECT d.subscription_id, d.event_id, d.order_id, ev.event, d.attempts, d.last_error,
       d.last_attempt_at, ev.created_at,
       -- Later events of the same order for this subscription, held back by this one.
       (SELECT count(*) FROM delivery l
         WHERE l.tenant_id = d.tenant_id
           AND l.subscription_id = d.subscription_id AND l.order_id = d.order_id
           AND l.state = 'pending' AND l.event_id > d.event_id) AS blocked_events,
       ev.payload, d.tenant_id
  FROM delivery d
  JOIN event ev ON ev.tenant_id = d.tenant_id AND ev.event_id = d.event_id
 WHERE d.state = 'dead';

-- Per subscription, every tenant's deliveries together.
CREATE VIEW outbox_status AS
SELECT s.subscription_id, s.kind, s.url, s.active,
       count(*) FILTER (WHERE d.state = 'pending')   AS pending,
       count(*) FILTER (WHERE d.state = 'delivered') AS delivered,
       count(*) FILTER (WHERE d.state = 'dead')      AS dead,
       count(*) FILTER (WHERE d.state = 'discarded') AS discarded,
       min(ev.created_at) FILTER (WHERE d.state = 'pending') AS oldest_pending_at,
       max(d.delivered_at) AS last_delivered_at
  FROM subscription s
  LEFT JOIN delivery d ON d.subscription_id = s.subscription_id
  LEFT JOIN event ev ON ev.tenant_id = d.tenant_id AND ev.event_id = d.event_id
 GROUP BY s.subscription_id, s.kind, s.url, s.active;

-- Puts dead letters back in the queue with a fresh attempt budget (NULL arguments = all of them;
-- tenant_id: that tenant's only).
CREATE FUNCTION retry_dead_letter(subscription_id text DEFAULT NULL, event_id bigint DEFAULT NULL,
                                  tenant_id text DEFAULT NULL)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH retried AS (
        UPDATE delivery d
           SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp()
         WHERE d.state = 'dead'
           AND (retry_dead_letter.subscription_id IS NULL
                OR d.subscription_id = retry_dead_letter.subscription_id)
           AND (retry_dead_letter.event_id IS NULL OR d.event_id = retry_dead_letter.event_id)
           AND (retry_dead_letter.tenant_id IS NULL OR d.tenant_id = retry_dead_letter.tenant_id)
        RETURNING d.tenant_id, d.subscription_id, d.order_id),
    -- The lane was held back behind the dead letter (fail_delivery): let it go again.
    released AS (
        UPDATE delivery l
           SET next_attempt_at = clock_timestamp()
          FROM retried r
         WHERE l.tenant_id = r.tenant_id
           AND l.subscription_id = r.subscription_id
           AND l.order_id = r.order_id
           AND l.state = 'pending'
           AND l.next_attempt_at > clock_timestamp())
    SELECT count(*)::int FROM retried
$$;

-- Gives up on dead letters for good, which lets the later events of their orders go.
CREATE FUNCTION discard_dead_letter(subscription_id text DEFAULT NULL, event_id bigint DEFAULT NULL,
                                    tenant_id text DEFAULT NULL)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH discarded AS (
        UPDATE delivery d
           SET state = 'discarded'
         WHERE d.state = 'dead'
           AND (discard_dead_letter.subscription_id IS NULL
                OR d.subscription_id = discard_dead_letter.subscription_id)
           AND (discard_dead_letter.event_id IS NULL OR d.event_id = discard_dead_letter.event_id)
           AND (discard_dead_letter.tenant_id IS NULL OR d.tenant_id = discard_dead_letter.tenant_id)
        RETURNING d.tenant_id, d.subscription_id, d.order_id),
    -- The lane was held back behind the dead letter (fail_delivery): let it go again.
    released AS (
        UPDATE delivery l
           SET next_attempt_at = clock_timestamp()
          FROM discarded r
         WHERE l.tenant_id = r.tenant_id
           AND l.subscription_id = r.subscription_id
           AND l.order_id = r.order_id
           AND l.state = 'pending'
           AND l.next_attempt_at > clock_timestamp())
    SELECT count(*)::int FROM discarded
$$;

-- ---------------------------------------------------------------- retention

CREATE FUNCTION set_outbox_retention(delivered_retention interval) RETURNS interval
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    INSERT INTO outbox_setting (delivered_retention) VALUES (delivered_retention)
    ON CONFLICT (id) DO UPDATE SET delivered_retention = excluded.delivered_retention
    RETURNING delivered_retention
$$;

-- Deletes events older than `older_than` (default: the retention setting, else 7 days) that
-- no subscription still has open (pending or dead), with their delivery rows; at most
-- batch_size per call so that the daemon's timer never holds long locks. Returns the count.
-- Every tenant's, oldest id first (event_by_id). On Citus, where a locking read must stay on one
-- shard, tenant by tenant (each statement names its tenant; no NOTIFY, so the commit may be
-- two-phase); on one node in one statement (the tenant NULL).
CREATE FUNCTION purge_delivered(older_than interval DEFAULT NULL, batch_size int DEFAULT 10000)
RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    cutoff timestamptz := clock_timestamp() - coalesce(
        older_than, (SELECT o.delivered_retention FROM outbox_setting o), interval '7 days');
    tenants text[] := CASE WHEN EXISTS (SELECT FROM daemon_nodes())
                           THEN ARRAY(SELECT t FROM tenant_ids() t) ELSE ARRAY[NULL::text] END;
    one text;
    n int;
    total int := 0;
BEGIN
    FOREACH one IN ARRAY tenants LOOP
        EXIT WHEN total >= batch_size;
        WITH doomed AS (
            SELECT ev.tenant_id, ev.event_id
              FROM event ev
             WHERE ev.created_at < cutoff
               AND (one IS NULL OR ev.tenant_id = one)
               AND NOT EXISTS (SELECT FROM delivery d
                                WHERE d.tenant_id = ev.tenant_id AND d.event_id = ev.event_id
                                  AND (one IS NULL OR d.tenant_id = one)
                                  AND d.state IN ('pending', 'dead'))
             ORDER BY ev.event_id
             LIMIT batch_size - total
               FOR UPDATE SKIP LOCKED),
        purged AS (
            DELETE FROM event ev USING doomed
             WHERE ev.tenant_id = doomed.tenant_id AND ev.event_id = doomed.event_id
               AND (one IS NULL OR ev.tenant_id = one)
            RETURNING 1)
        SELECT count(*)::int INTO n FROM purged;
        total := total + n;
    END LOOP;
    RETURN total;
END
$$;
