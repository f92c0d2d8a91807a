-- A paused subscription holds its events: they are delivered, in order, once it is active
-- again; lanes behind a dead letter stay held after the resume.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(11);
\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('f1');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('f1', 'a');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f1', 'a', 100);
INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('hook', 'https://hooks.example/a');
-- What a daemon serving webhooks would claim now: order:event list, in claim order.
CREATE FUNCTION pg_temp.claimable() RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(o.tenant_order_id || ':' || e.event, ',' ORDER BY c.event_id), '')
    FROM waitroom.claim_deliveries(true, NULL) c
    JOIN waitroom.event e USING (event_id) JOIN waitroom.orders o ON o.order_id = c.order_id $$;

SELECT pg_temp.place_one('before-pause', NULL, 'a', 1);
UPDATE waitroom.subscription SET active = false WHERE subscription_id = 'hook';
SELECT is(pg_temp.claimable(), '', 'paused: nothing is claimed for the subscription');
SELECT pg_temp.place_one('while-paused', NULL, 'a', 1);
SELECT is((SELECT count(*) FROM waitroom.delivery d JOIN waitroom.orders o USING (order_id)
            WHERE d.subscription_id = 'hook' AND o.tenant_order_id = 'while-paused' AND d.state = 'pending'),
          (SELECT count(*) FROM waitroom.event e JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id = 'while-paused'),
          'events created while paused are held for the subscription (a pending delivery each)');
SELECT cmp_ok((SELECT count(*) FROM waitroom.event e JOIN waitroom.orders o USING (order_id)
                WHERE o.tenant_order_id = 'while-paused'), '>', 0::bigint, 'the order while paused made events');
SELECT is(pg_temp.claimable(), '', 'still paused: nothing is claimed');
SELECT is((SELECT pending FROM waitroom.outbox_status WHERE subscription_id = 'hook'),
          (SELECT count(*) FROM waitroom.event), 'outbox_status counts the held deliveries as pending');

UPDATE waitroom.subscription SET active = true WHERE subscription_id = 'hook';
SELECT is(pg_temp.claimable(),
          (SELECT string_agg(o.tenant_order_id || ':' || e.event, ',' ORDER BY e.event_id)
             FROM waitroom.event e JOIN waitroom.orders o USING (order_id)),
          'resumed: every event, those of the pause included, is claimable in event_id order');

-- A dead letter keeps its lane held through a pause and a resume.
SELECT is(waitroom.fail_delivery('hook', (SELECT min(e.event_id) FROM waitroom.event e
                                            JOIN waitroom.orders o USING (order_id)
                                           WHERE o.tenant_order_id = 'before-pause'),
                                 'HTTP 500', '0 seconds', 1, 'test'), 'dead', 'before-pause''s first event dead-letters');
UPDATE waitroom.subscription SET active = false WHERE subscription_id = 'hook';
SELECT pg_temp.place_one('third', NULL, 'a', 1);
UPDATE waitroom.subscription SET active = true WHERE subscription_id = 'hook';
SELECT is((SELECT string_agg(DISTINCT split_part(x, ':', 1), ',') FROM unnest(string_to_array(pg_temp.claimable(), ',')) x),
          'third,while-paused', 'after pause and resume: the dead letter''s lane stays held, the others go');
SELECT is((SELECT count(*) FROM waitroom.delivery d JOIN waitroom.orders o USING (order_id)
            WHERE d.subscription_id = 'hook' AND o.tenant_order_id = 'before-pause'
              AND d.state = 'pending' AND d.next_attempt_at < 'infinity'), 0::bigint,
          'the held lane''s later events still wait at infinity');
SELECT is((SELECT count(*) FROM waitroom.delivery WHERE subscription_id = 'stdout' AND state = 'pending'),
          (SELECT count(*) FROM waitroom.event), 'the stdout sink, never paused, has every event');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
