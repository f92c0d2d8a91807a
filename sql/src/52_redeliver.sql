-- ---------------------------------------------------------------- redeliver and backfill (issue 12, 9a)
--
-- redeliver(subscription_id, from_event_id, to_event_id, missing_ok) queues again, for one
-- subscription, the events of an id range that its `events` filter takes now:
--   delivered, dead or discarded   back to pending, attempts 0 (a fresh budget)
--   no delivery row                one is created (a subscription made after the events)
--   pending                        left as it is (its attempts and backoff too)
-- Returns how many deliveries it queued. Ids of the range that have no event, below the newest
-- id the outbox has handed out, were purged (purge_delivered) or never committed: an error
-- (P0002) naming them unless missing_ok, then a WARNING. docs/redeliver.md has the rest.
-- tenant_id (SPEC §7): that tenant's events of the range only (NULL = every tenant's). Event ids
-- are one identity across tenants: an id of the range that is another tenant's is not missing.
--
-- Locks, in this order: the subscription FOR SHARE (its filter and pause hold, a pause, resume
-- or delete waits); the range's events FOR KEY SHARE (purge_delivered skips them; one it is
-- deleting is waited for and then missing); the subscription's deliveries of the range FOR
-- UPDATE in event_id order (a daemon's claim of one is waited for, so no ack or failure lands
-- between reading a state and writing it). Claims find the re-queued rows through the lane-head
-- rule, so each order's events (the lane: tenant and order) still go out in event_id order.
CREATE FUNCTION waitroom.redeliver(subscription_id text, from_event_id bigint, to_event_id bigint,
                          missing_ok boolean DEFAULT false, tenant_id text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    sub        waitroom.subscription%ROWTYPE;
    nil        CONSTANT uuid := '00000000-0000-0000-0000-000000000000';
    due        timestamptz;
    last_id    bigint;
    missing    text;
    n_missing  bigint;
    requeued   bigint;
    created    bigint;
    -- The lanes touched: (lane_tenants[i], lanes[i]).
    lane_tenants text[];
    lanes      uuid[];
BEGIN
    IF redeliver.subscription_id IS NULL THEN
        RAISE EXCEPTION 'redeliver: subscription_id is required' USING ERRCODE = '22023';
    END IF;
    IF from_event_id IS NULL OR to_event_id IS NULL OR from_event_id < 1 OR from_event_id > to_event_id THEN
        RAISE EXCEPTION 'redeliver: from_event_id % and to_event_id % are not a range of event ids (1 <= from <= to)',
            coalesce(from_event_id::text, 'NULL'), coalesce(to_event_id::text, 'NULL')
            USING ERRCODE = '22023';
    END IF;

    SELECT * INTO sub FROM subscription s WHERE s.subscription_id = redeliver.subscription_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'redeliver: unknown subscription %', redeliver.subscription_id
            USING ERRCODE = 'P0002';
    END IF;
    due := CASE WHEN sub.active THEN clock_timestamp() ELSE 'infinity' END;

    PERFORM FROM event ev WHERE ev.event_id BETWEEN from_event_id AND to_event_id
       AND (redeliver.tenant_id IS NULL OR ev.tenant_id = redeliver.tenant_id)
      ORDER BY ev.event_id FOR KEY SHARE;

    -- Missing ids: below the last id handed out (the sequence; the table alone would not show a
    -- range purged to its end). An id taken by a transaction still open is missing too.
    last_id := least(to_event_id, greatest(
        coalesce(pg_sequence_last_value(pg_get_serial_sequence('waitroom.event', 'event_id')::regclass), 0),
        coalesce((SELECT max(ev.event_id) FROM event ev), 0)));
    IF last_id >= from_event_id THEN
        SELECT string_agg(CASE WHEN g.lo = g.hi THEN g.lo::text ELSE g.lo || '-' || g.hi END, ', '
                          ORDER BY g.lo),
               sum(g.hi - g.lo + 1)
          INTO missing, n_missing
          FROM (SELECT x.prev + 1 AS lo, x.event_id - 1 AS hi
                  FROM (SELECT e.event_id, lag(e.event_id) OVER (ORDER BY e.event_id) AS prev
                          FROM (SELECT ev.event_id FROM event ev
                                 WHERE ev.event_id BETWEEN from_event_id AND last_id
                                UNION ALL SELECT from_event_id - 1
                                UNION ALL SELECT last_id + 1) e) x
                 WHERE x.event_id > x.prev + 1) g;
        missing := format('event%s %s of the range %s missing (purged, or never committed)',
                          CASE WHEN n_missing > 1 THEN 's' ELSE '' END, left(missing, 500),
                          CASE WHEN n_missing > 1 THEN 'are' ELSE 'is' END);
        IF n_missing > 0 AND NOT missing_ok THEN
            RAISE EXCEPTION 'redeliver: %', missing
                USING ERRCODE = 'P0002',
                      DETAIL = 'purge_delivered() deletes delivered events after the retention; an id whose transaction rolled back has no event.',
                      HINT = 'Pass missing_ok => true to queue the events that are there.';
        ELSIF n_missing > 0 THEN
            RAISE WARNING 'redeliver: %', missing;
        END IF;
    END IF;

    PERFORM FROM delivery d
     WHERE d.subscription_id = sub.subscription_id
       AND d.event_id BETWEEN from_event_id AND to_event_id
       AND (redeliver.tenant_id IS NULL OR d.tenant_id = redeliver.tenant_id)
     ORDER BY d.event_id FOR UPDATE;

    WITH taken AS (
        SELECT ev.tenant_id, ev.event_id FROM event ev
         WHERE ev.event_id BETWEEN from_event_id AND to_event_id
           AND (redeliver.tenant_id IS NULL OR ev.tenant_id = redeliver.tenant_id)
           AND (sub.events IS NULL OR ev.event = ANY (sub.events))),
    done AS (
        UPDATE delivery d
           SET state = 'pending', attempts = 0, next_attempt_at = due, last_error = NULL,
               delivered_at = NULL
          FROM taken t
         WHERE d.tenant_id = t.tenant_id AND d.event_id = t.event_id
           AND d.subscription_id = sub.subscription_id
           AND d.state <> 'pending'
        RETURNING d.tenant_id, d.order_id)
    SELECT count(*), array_agg(d.tenant_id ORDER BY d.tenant_id, d.order_id),
           array_agg(d.order_id ORDER BY d.tenant_id, d.order_id)
      INTO requeued, lane_tenants, lanes FROM done d;

    WITH added AS (
        INSERT INTO delivery (tenant_id, event_id, subscription_id, order_id, next_attempt_at)
        SELECT ev.tenant_id, ev.event_id, sub.subscription_id, coalesce(ev.order_id, nil), due
          FROM event ev
         WHERE ev.event_id BETWEEN from_event_id AND to_event_id
           AND (redeliver.tenant_id IS NULL OR ev.tenant_id = redeliver.tenant_id)
           AND (sub.events IS NULL OR ev.event = ANY (sub.events))
         ORDER BY ev.event_id
        ON CONFLICT DO NOTHING
        RETURNING tenant_id, order_id)
    SELECT count(*),
           coalesce(lane_tenants, '{}') || coalesce(array_agg(a.tenant_id ORDER BY a.tenant_id, a.order_id), '{}'),
           coalesce(lanes, '{}') || coalesce(array_agg(a.order_id ORDER BY a.tenant_id, a.order_id), '{}')
      INTO created, lane_tenants, lanes FROM added a;

    -- Active subscription: in the lanes touched, a pending row behind a dead letter waits at
    -- 'infinity' (as fail_delivery leaves it), and one that was held behind a dead letter now
    -- re-queued is due again. A paused one keeps everything parked (resuming sorts it out).
    IF sub.active AND requeued + created > 0 THEN
        -- Lane by lane (the lanes' index), never the whole pending backlog.
        UPDATE delivery l
           SET next_attempt_at = CASE WHEN l.next_attempt_at = 'infinity' THEN clock_timestamp()
                                      ELSE 'infinity' END
          FROM (SELECT DISTINCT x.tenant_id, x.order_id
                  FROM unnest(lane_tenants, lanes) AS x(tenant_id, order_id)) lane
         WHERE l.tenant_id = lane.tenant_id
           AND l.subscription_id = sub.subscription_id AND l.order_id = lane.order_id
           AND l.state = 'pending'
           AND EXISTS (SELECT FROM delivery e
                        WHERE e.tenant_id = l.tenant_id
                          AND e.subscription_id = l.subscription_id AND e.order_id = l.order_id
                          AND e.state = 'dead' AND e.event_id < l.event_id)
               <> (l.next_attempt_at = 'infinity');
    END IF;
    RETURN requeued + created;
END $$;
