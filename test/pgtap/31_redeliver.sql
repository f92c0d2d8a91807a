-- waitroom.redeliver(subscription, from_event_id, to_event_id, missing_ok): a DBA re-queues a
-- subscription's events by id range (issue 12, point 9a). Delivered, dead and discarded
-- deliveries go back to pending with a fresh attempt budget; events the subscription never had
-- (it was created later) get a delivery if its filter takes them; pending ones stay as they
-- are; purged ids are an error unless missing_ok; the lanes stay in order.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(31);
\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('f1');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('f1', 'a');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f1', 'a', 100);
INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('hook', 'https://hooks.example/a');

-- What a daemon serving webhooks would claim now for one subscription: order:event list, in
-- claim order, due rows only (the daemon stops a lane at its first row not due).
CREATE FUNCTION pg_temp.claimable(sub text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(o.tenant_order_id || ':' || e.event, ',' ORDER BY c.event_id), '')
    FROM waitroom.claim_deliveries(true, NULL) c
    JOIN waitroom.event e USING (event_id) JOIN waitroom.orders o ON o.order_id = c.order_id
   WHERE c.subscription_id = sub AND c.due $$;
-- The order's events as claimable() prints them.
CREATE FUNCTION pg_temp.events_of(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(t || ':' || e, ',') FROM unnest(pg_temp.order_events(t)) e $$;
CREATE FUNCTION pg_temp.first_event(t text) RETURNS bigint LANGUAGE sql AS $$
  SELECT min(event_id) FROM waitroom.event WHERE order_id = pg_temp.order_of(t) $$;
CREATE FUNCTION pg_temp.last_event(t text) RETURNS bigint LANGUAGE sql AS $$
  SELECT max(event_id) FROM waitroom.event WHERE order_id = pg_temp.order_of(t) $$;
-- A subscription's deliveries of an order: state/attempts per event, in event order.
CREATE FUNCTION pg_temp.lane(sub text, t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(d.state || '/' || d.attempts, ' ' ORDER BY d.event_id)
    FROM waitroom.delivery d WHERE d.subscription_id = sub AND d.order_id = pg_temp.order_of(t) $$;
-- Delivers everything claimable for the subscription (what a daemon does).
CREATE FUNCTION pg_temp.deliver_all(sub text) RETURNS int LANGUAGE sql AS $$
  SELECT waitroom.ack_deliveries(array_agg(c.subscription_id), array_agg(c.event_id), 'test')
    FROM waitroom.claim_deliveries(true, NULL) c WHERE c.subscription_id = sub AND c.due $$;

SELECT pg_temp.place_one('o1', '2026-01-01T00:00:00Z', 'a', 1);
SELECT pg_temp.place_one('o2', '2026-01-01T00:00:01Z', 'a', 1);
SELECT pg_temp.place_one('o3', '2026-01-01T00:00:02Z', 'a', 1);
SELECT pg_temp.deliver_all('hook');

-- ---------------------------------------------------------------- contract
SELECT is(pg_temp.signature('redeliver'),
          'subscription_id text, from_event_id bigint, to_event_id bigint, missing_ok boolean DEFAULT false, tenant_id text DEFAULT NULL::text -> bigint',
          'redeliver(subscription_id, from_event_id, to_event_id, missing_ok, tenant_id) returns a count');
SELECT pg_temp.raises($$SELECT waitroom.redeliver('nobody', 1, 10)$$, 'P0002', 'subscription.*nobody',
                      'an unknown subscription is P0002, named');
SELECT pg_temp.raises($$SELECT waitroom.redeliver('hook', 10, 1)$$, '22023', 'from_event_id.*to_event_id',
                      'from after to is 22023');
SELECT pg_temp.raises($$SELECT waitroom.redeliver('hook', NULL, 1)$$, '22023', 'from_event_id',
                      'a null bound is 22023');
SELECT pg_temp.raises($$SELECT waitroom.redeliver('hook', 0, 5)$$, '22023', 'from_event_id',
                      'event ids start at 1: from 0 is 22023');
SELECT pg_temp.raises($$SELECT waitroom.redeliver(NULL, 1, 5)$$, '22023', 'subscription_id',
                      'a null subscription is 22023');
SELECT is(pg_temp.claimable('hook'), '', 'everything was delivered: nothing to claim');

-- ---------------------------------------------------------------- delivered -> pending again
SELECT is(waitroom.redeliver('hook', pg_temp.first_event('o1'), pg_temp.last_event('o1')),
          (SELECT count(*) FROM waitroom.event WHERE order_id = pg_temp.order_of('o1')),
          'redelivering o1''s delivered events queues each of them (the count)');
SELECT is(pg_temp.lane('hook', 'o1'),
          (SELECT string_agg('pending/0', ' ') FROM waitroom.event WHERE order_id = pg_temp.order_of('o1')),
          'they are pending again with a fresh attempt budget');
SELECT is(pg_temp.claimable('hook'), pg_temp.events_of('o1'),
          'the daemon claims them again, in event order, and nothing else');
SELECT is((SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'delivered'), 0::bigint,
          'other subscriptions are untouched');
SELECT is(waitroom.redeliver('hook', pg_temp.first_event('o1'), pg_temp.last_event('o1')), 0::bigint,
          'again while pending: nothing queued (pending ones are left as they are)');
SELECT is((SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'hook'),
          (SELECT count(*) FROM waitroom.event), 'no duplicate delivery row');

-- A pending delivery that failed once keeps its attempts and backoff.
SELECT is(waitroom.fail_delivery('hook', pg_temp.first_event('o1'), 'HTTP 503', '1 hour', 10, 'test'), 'pending',
          'o1''s head fails once (retry in an hour)');
SELECT is(waitroom.redeliver('hook', 1, pg_temp.last_event('o3')), (SELECT count(*) FROM waitroom.event
            WHERE order_id IN (pg_temp.order_of('o2'), pg_temp.order_of('o3'))),
          'the whole range: o2 and o3 are queued, o1 (pending) is not counted');
SELECT is(split_part(pg_temp.lane('hook', 'o1'), ' ', 1), 'pending/1', 'the failed head keeps its attempt');
SELECT is(pg_temp.claimable('hook'), pg_temp.events_of('o2') || ',' || pg_temp.events_of('o3'),
          'o1 backs off as before; o2 and o3 are claimable in order');
SELECT pg_temp.deliver_all('hook');
UPDATE waitroom.delivery SET state = 'delivered' WHERE subscription_id = 'hook' AND order_id = pg_temp.order_of('o1');

-- ---------------------------------------------------------------- dead letters
SELECT waitroom.redeliver('hook', pg_temp.first_event('o2'), pg_temp.last_event('o2'));
SELECT is(waitroom.fail_delivery('hook', pg_temp.first_event('o2'), 'HTTP 500', '0 seconds', 1, 'test'), 'dead',
          'o2''s head dead-letters; the rest of its lane is held back');
SELECT is(pg_temp.claimable('hook'), '', 'the lane behind the dead letter is held');
SELECT is(waitroom.redeliver('hook', pg_temp.first_event('o2'), pg_temp.first_event('o2')), 1::bigint,
          'redelivering the dead letter alone queues it');
SELECT is(pg_temp.claimable('hook'), pg_temp.events_of('o2'),
          'the dead letter and the lane it held go again, in order');
SELECT is(split_part(pg_temp.lane('hook', 'o2'), ' ', 1), 'pending/0', 'the dead letter''s attempts are reset');
SELECT pg_temp.deliver_all('hook');

-- ---------------------------------------------------------------- backfill a later subscription
INSERT INTO waitroom.subscription (subscription_id, url, events)
VALUES ('late', 'https://hooks.example/late', '{ORDER_CREATED,PICK_JOB_CREATED}');
SELECT is((SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'late'), 0::bigint,
          'a subscription created after the events has none of them');
SELECT is(waitroom.redeliver('late', 1, pg_temp.last_event('o3')),
          (SELECT count(*) FROM waitroom.event WHERE event IN ('ORDER_CREATED', 'PICK_JOB_CREATED')),
          'backfill: one delivery per event its filter takes');
SELECT is(pg_temp.claimable('late'),
          (SELECT string_agg(o.tenant_order_id || ':' || e.event, ',' ORDER BY e.event_id)
             FROM waitroom.event e JOIN waitroom.orders o USING (order_id)
            WHERE e.event IN ('ORDER_CREATED', 'PICK_JOB_CREATED')),
          'the backfilled events are claimable in event order, filtered');

-- ---------------------------------------------------------------- paused subscription
UPDATE waitroom.subscription SET active = false WHERE subscription_id = 'hook';
SELECT waitroom.redeliver('hook', pg_temp.first_event('o3'), pg_temp.last_event('o3'));
SELECT is((SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'hook' AND state = 'pending'
              AND next_attempt_at < 'infinity'), 0::bigint,
          'paused: redelivered events are held (at infinity) like new ones');
UPDATE waitroom.subscription SET active = true WHERE subscription_id = 'hook';
SELECT is(pg_temp.claimable('hook'), pg_temp.events_of('o3'), 'resumed: they go, in order');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');

-- ---------------------------------------------------------------- purged events
DELETE FROM waitroom.event WHERE event_id = pg_temp.first_event('o2') + 1;  -- as purge_delivered() does
SELECT pg_temp.raises(format('SELECT waitroom.redeliver(%L, %s, %s)', 'hook', pg_temp.first_event('o2'),
                             pg_temp.last_event('o3')),
                      'P0002', format('event %s .*purged', pg_temp.first_event('o2') + 1),
                      'a range with a purged event is P0002 naming the missing id');
SELECT is(pg_temp.lane('hook', 'o2'), (SELECT string_agg('delivered/1', ' ') FROM waitroom.delivery
                                        WHERE subscription_id = 'hook' AND order_id = pg_temp.order_of('o2')),
          'and nothing was queued');
SELECT is(waitroom.redeliver('hook', pg_temp.first_event('o2'), pg_temp.last_event('o2'), missing_ok => true),
          (SELECT count(*) FROM waitroom.event WHERE order_id = pg_temp.order_of('o2')),
          'missing_ok: the events still there are queued');

SELECT * FROM finish();
ROLLBACK;
