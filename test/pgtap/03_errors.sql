-- SPEC §6 for place_order: SQLSTATEs, messages that name the field, a rejected call writes
-- nothing, idempotent retries, tenantOrderId reuse after cancel; SPEC §5 events of place_order.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(85);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref, lat, lon) VALUES ('munich', 48.14, 11.58), ('berlin', 52.52, 13.40);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('munich', 'sku-1', 'NONE'), ('berlin', 'sku-2', 'BACKORDER'), ('munich', 'sku-3', 'NONE');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('munich', 'sku-1', 100), ('berlin', 'sku-2', 0), ('munich', 'sku-3', 0);

-- Some state first, so that "nothing changed" compares non-trivial numbers.
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "BASE-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 2}, {"tenantArticleId": "sku-2", "quantity": 1}]}')$$,
                'a valid order is accepted');
SELECT is(split_part(pg_temp.footprint(), ' routing_plan_line', 1) || ' pick_job' || split_part(pg_temp.footprint(), ' pick_job', 2),
          'orders=1 order_line=2 routing_plan=2 pick_job=1 pick_line=1 event=5 reserved=2 stock_rows=3',
          'baseline footprint of one split order (routed part + waiting part)');
CREATE TEMP TABLE before AS SELECT pg_temp.footprint() AS f;

-- ---------------------------------------------------------------- 22P02 / 22023
SELECT throws_ok($$SELECT waitroom.place_order('{bad'::text::jsonb)$$, '22P02', NULL, 'malformed JSON text: 22P02');
SELECT pg_temp.rejects('{bad', '22P02', 'json', 'malformed JSON text: 22P02 (helper)');

SELECT pg_temp.rejects('{"orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'tenantOrderId', 'missing tenantOrderId: 22023 naming tenantOrderId');
SELECT pg_temp.rejects('{"tenantOrderId": null, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'tenantOrderId', 'null tenantOrderId: 22023 naming tenantOrderId');
SELECT pg_temp.rejects('{"tenantOrderId": 5, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'tenantOrderId', 'tenantOrderId a number: 22023 naming tenantOrderId');
SELECT pg_temp.rejects('{"tenantOrderId": "", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'tenantOrderId', 'empty tenantOrderId: 22023 naming tenantOrderId');
SELECT pg_temp.rejects('{"tenantOrderId": "E"}',
                       '22023', 'orderLineItems', 'missing orderLineItems: 22023 naming orderLineItems');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": {"tenantArticleId": "sku-1", "quantity": 1}}',
                       '22023', 'orderLineItems', 'orderLineItems an object: 22023 naming orderLineItems');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": "sku-1"}',
                       '22023', 'orderLineItems', 'orderLineItems a string: 22023 naming orderLineItems');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [5]}',
                       '22023', 'orderLineItems', 'a line that is not an object: 22023 naming orderLineItems');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"quantity": 1}]}',
                       '22023', 'tenantArticleId', 'missing tenantArticleId: 22023 naming tenantArticleId');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": 7, "quantity": 1}]}',
                       '22023', 'tenantArticleId', 'tenantArticleId a number: 22023 naming tenantArticleId');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1"}]}',
                       '22023', 'quantity', 'missing quantity: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": "1"}]}',
                       '22023', 'quantity', 'quantity a string: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 0}]}',
                       '22023', 'quantity', 'quantity 0: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": -1}]}',
                       '22023', 'quantity', 'quantity -1: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 2.5}]}',
                       '22023', 'quantity', 'quantity 2.5: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 3000000000}]}',
                       '22023', 'quantity', 'quantity 3000000000 (beyond int): 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 2147483648}]}',
                       '22023', 'quantity', 'quantity 2147483648 (int max + 1): 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}, {"tenantArticleId": "sku-1", "quantity": 0}]}',
                       '22023', 'quantity', 'quantity 0 on the second line: 22023 naming quantity');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "consumer": {"lat": "52.5", "lon": 13.4}, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'lat', 'consumer.lat a string: 22023 naming lat');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "consumer": {"lat": 52.5, "lon": true}, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'lon', 'consumer.lon a boolean: 22023 naming lon');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "consumer": "Berlin", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'consumer', 'consumer a string: 22023 naming consumer');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "priority": "high", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'priority', 'priority a string: 22023 naming priority');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderDate": "not a date", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'orderDate', 'orderDate not a timestamp: 22023 naming orderDate');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderDate": "2026-13-45T10:00:00Z", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'orderDate', 'orderDate month 13: 22023 naming orderDate');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderDate": 20261122, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'orderDate', 'orderDate a number: 22023 naming orderDate');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderDate": "infinity", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'orderDate', 'orderDate infinity: 22023 naming orderDate');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderDate": "yesterday", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'orderDate', 'orderDate yesterday (a PostgreSQL word, not ISO 8601): 22023 naming orderDate');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"id": 1, "tenantArticleId": "sku-1", "quantity": 1}]}',
                       '22023', 'id', 'line id a number: 22023 naming id');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1, "bundleRef": 5}]}',
                       '22023', 'bundleRef', 'bundleRef a number: 22023 naming bundleRef');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"id": "a", "tenantArticleId": "sku-1", "quantity": 1}, {"id": "a", "tenantArticleId": "sku-3", "quantity": 1}]}',
                       '22023', 'id.*"?a"?', 'duplicate explicit line id "a": 22023 naming the id');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"id": "2", "tenantArticleId": "sku-1", "quantity": 1}, {"tenantArticleId": "sku-3", "quantity": 1}]}',
                       '22023', 'id.*"?2"?', 'default id "2" of line 2 collides with an explicit "2": 22023');
SELECT pg_temp.rejects('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}, {"id": "1", "tenantArticleId": "sku-3", "quantity": 1}]}',
                       '22023', 'id.*"?1"?', 'explicit "1" collides with the default id of line 1: 22023');
SELECT pg_temp.rejects('[{"tenantOrderId": "E"}]', '22023', 'order|object', 'a JSON array instead of an object: 22023');
-- SQL NULL arguments are missing fields, not a silent NULL result
SELECT throws_ok($$SELECT waitroom.place_order(NULL)$$, '22023', 'order must be a JSON object', 'place_order(NULL): 22023');
SELECT throws_ok($$SELECT waitroom.reroute(NULL)$$, '22023', 'order_id is required', 'reroute(NULL): 22023');
SELECT throws_ok($$SELECT waitroom.cancel_order(NULL)$$, '22023', 'order_id is required', 'cancel_order(NULL): 22023');
SELECT throws_ok($$SELECT waitroom.assign_facility(NULL, 'x')$$, '22023', 'routing_plan_id is required', 'assign_facility(NULL, ...): 22023');
-- the internal pass entry point rejects what is not a list of articles, as a caller's error
SELECT throws_ok($$SELECT waitroom._reactivate('default', '{"sku": 1}')$$, '22023', 'articles must be a JSON array of strings',
                 '_reactivate of a non-array: 22023, not an internal error');
-- exact message of one case (throws_ok with message)
SELECT throws_ok($$SELECT waitroom.place_order('{"orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$,
                 '22023', 'tenantOrderId is required', 'missing tenantOrderId: exact message');
SELECT throws_like($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 0}]}')$$,
                   '%quantity%', 'quantity 0: the message names quantity (throws_like)');

SELECT is(pg_temp.footprint(), (SELECT f FROM before), 'the rejected calls wrote nothing (rows, events, reservations)');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id = 'E'), 0::bigint, 'no order E exists');

-- accepted edge values
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "MAXQ", "orderLineItems": [{"tenantArticleId": "sku-unlisted", "quantity": 2147483647}]}')$$,
                'quantity 2147483647 (int max) is accepted');
SELECT is((SELECT quantity FROM waitroom.order_line WHERE order_id = pg_temp.order_of('MAXQ')), 2147483647, 'int max stored');
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "UNK", "shoeSize": 44, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1, "colour": "red"}]}')$$,
                'unknown keys are ignored');
SELECT results_eq($$SELECT line_id, tenant_article_id, quantity FROM waitroom.order_line WHERE order_id = pg_temp.order_of('UNK')$$,
                  $$VALUES ('1'::text, 'sku-1'::text, 1)$$, 'the order with unknown keys is stored normally');
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "DATE", "orderDate": "2026-11-22T10:00:00Z", "priority": 7, "consumer": {"lat": 52.52, "lon": 13.40}, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$,
                'all optional fields accepted');
SELECT results_eq($$SELECT order_date, priority, consumer_lat, consumer_lon FROM waitroom.orders WHERE order_id = pg_temp.order_of('DATE')$$,
                  $$VALUES ('2026-11-22T10:00:00Z'::timestamptz, 7, 52.52::float8, 13.40::float8)$$,
                  'orderDate, priority and consumer are stored');
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "NODATE", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$,
                'an order without orderDate');
SELECT results_eq($$SELECT order_date, priority FROM waitroom.orders WHERE order_id = pg_temp.order_of('NODATE')$$,
                  $$VALUES (now(), 0)$$, 'orderDate defaults to the transaction time, priority to 0');

-- ---------------------------------------------------------------- idempotent retry
CREATE TEMP TABLE first AS
SELECT waitroom.place_order('{"tenantOrderId": "R-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 3}]}') AS j;
CREATE TEMP TABLE before_retry AS SELECT pg_temp.footprint() AS f;
CREATE TEMP TABLE retry AS
SELECT waitroom.place_order('{ "orderLineItems": [ {"quantity": 3, "tenantArticleId": "sku-1"} ],  "tenantOrderId": "R-1" }') AS j;
SELECT is((SELECT j ->> 'orderId' FROM retry), (SELECT j ->> 'orderId' FROM first), 'retry with the same body returns the same orderId');
SELECT is((SELECT j FROM retry), (SELECT j FROM first), 'retry returns the existing order unchanged');
SELECT is(pg_temp.footprint(), (SELECT f FROM before_retry), 'retry wrote no rows, no events, no reservations');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id = 'R-1'), 1::bigint, 'one order R-1');
SELECT throws_ok($$SELECT waitroom.place_order('{"tenantOrderId": "R-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 4}]}')$$,
                 '23505', NULL, 'same tenantOrderId, different body: 23505');
SELECT pg_temp.rejects('{"tenantOrderId": "R-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 4}]}',
                       '23505', 'tenantOrderId|R-1', 'the 23505 message names the tenantOrderId');
SELECT pg_temp.rejects('{"tenantOrderId": "R-1", "priority": 1, "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 3}]}',
                       '23505', '', 'an extra key also makes a different body: 23505');
SELECT is(pg_temp.footprint(), (SELECT f FROM before_retry), 'the conflicting call wrote nothing');
UPDATE waitroom.orders SET status = 'CANCELLED' WHERE tenant_order_id = 'R-1';
CREATE TEMP TABLE reuse AS
SELECT waitroom.place_order('{"tenantOrderId": "R-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 4}]}') AS j;
SELECT isnt((SELECT j ->> 'orderId' FROM reuse), (SELECT j ->> 'orderId' FROM first), 'after cancel, the tenantOrderId makes a new order');
SELECT results_eq($$SELECT status, count(*) FROM waitroom.orders WHERE tenant_order_id = 'R-1' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('CANCELLED'::text, 1::bigint), ('OPEN', 1)$$, 'one CANCELLED and one OPEN order R-1');
SELECT is((SELECT j #>> '{routingPlans,0,lines,0,quantity}' FROM reuse), '4', 'the new order has the new body (quantity 4)');
SELECT throws_ok($$SELECT waitroom.place_order('{"tenantOrderId": "R-1", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 3}]}')$$,
                 '23505', NULL, 'the cancelled order''s body now conflicts with the new OPEN order: 23505');

-- ---------------------------------------------------------------- events (SPEC §5)
-- routed: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED; written by the same
-- (sub)transaction as the order (lives_ok runs the call in a subtransaction of its own)
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "EV-R", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$, 'EV-R placed');
SELECT is(pg_temp.order_events('EV-R'), ARRAY['ORDER_CREATED', 'ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED'], 'routed order: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
SELECT is((SELECT count(*) FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-R') AND (payload ->> 'orderId')::uuid = pg_temp.order_of('EV-R')),
          3::bigint, 'routed order: every payload.orderId is the order');
SELECT is((SELECT count(DISTINCT x) FROM (SELECT xmin::text x FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-R')
                                          UNION ALL SELECT xmin::text FROM waitroom.orders WHERE order_id = pg_temp.order_of('EV-R')) s),
          1::bigint, 'routed order: events written in the same transaction as the order');
SELECT isnt((SELECT xmin::text FROM waitroom.orders WHERE order_id = pg_temp.order_of('EV-R')), txid_current()::text,
            '(that transaction is the call''s own subtransaction, so the check above is not trivial)');
SELECT is((SELECT payload ->> 'routingPlanId' FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-R') AND event = 'ROUTING_PLAN_ROUTED'),
          (SELECT routing_plan_id::text FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('EV-R')),
          'ROUTING_PLAN_ROUTED payload names the plan');
SELECT is((SELECT payload ->> 'pickJobId' FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-R') AND event = 'PICK_JOB_CREATED'),
          (SELECT pick_job_id::text FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('EV-R')),
          'PICK_JOB_CREATED payload names the pick job');
SELECT is((SELECT payload ->> 'tenantOrderId' FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-R') AND event = 'ORDER_CREATED'),
          'EV-R', 'ORDER_CREATED payload has the tenantOrderId');

-- waiting
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "EV-W", "orderLineItems": [{"tenantArticleId": "sku-2", "quantity": 1}]}')$$, 'EV-W placed');
SELECT is(pg_temp.order_events('EV-W'), ARRAY['ORDER_CREATED', 'ROUTING_PLAN_WAITING'], 'waiting order: ORDER_CREATED, ROUTING_PLAN_WAITING');
SELECT is((SELECT count(*) FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-W') AND (payload ->> 'orderId')::uuid = pg_temp.order_of('EV-W')),
          2::bigint, 'waiting order: every payload.orderId is the order');

-- not routable
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "EV-N", "orderLineItems": [{"tenantArticleId": "sku-3", "quantity": 1}]}')$$, 'EV-N placed');
SELECT is(pg_temp.order_events('EV-N'), ARRAY['ORDER_CREATED', 'ROUTING_PLAN_NOT_ROUTABLE'], 'not routable order: ORDER_CREATED, ROUTING_PLAN_NOT_ROUTABLE');

-- split with a waiting part
SELECT lives_ok($$SELECT waitroom.place_order('{"tenantOrderId": "EV-S", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}, {"tenantArticleId": "sku-2", "quantity": 1}]}')$$, 'EV-S placed');
SELECT is((pg_temp.order_events('EV-S'))[1], 'ORDER_CREATED', 'split order: ORDER_CREATED comes first');
SELECT is(pg_temp.order_events('EV-S'),
          ARRAY['ORDER_CREATED', 'ROUTING_PLAN_SPLITTED', 'ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED', 'ROUTING_PLAN_WAITING'],
          'split order, exactly and in this order: ORDER_CREATED, ROUTING_PLAN_SPLITTED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED, ROUTING_PLAN_WAITING');
SELECT is((SELECT count(*) FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-S') AND (payload ->> 'orderId')::uuid = pg_temp.order_of('EV-S')),
          5::bigint, 'split order: every payload.orderId is the order');
SELECT ok((SELECT max(event_id) FILTER (WHERE event = 'ROUTING_PLAN_ROUTED') < min(event_id) FILTER (WHERE event = 'PICK_JOB_CREATED')
             FROM waitroom.event WHERE order_id = pg_temp.order_of('EV-S')), 'split order: ROUTING_PLAN_ROUTED before PICK_JOB_CREATED');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
