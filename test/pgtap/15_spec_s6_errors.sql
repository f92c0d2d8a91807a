-- SPEC.md §6: errors.
-- Clause by clause, from the outside: what an app or a DBA sees through plain SQL. One file
-- per SPEC section (15_spec_s1 ... s6), each with its own data; one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(53);

\ir lib/helpers.psql
\ir lib/spec_network.psql

-- articles the error cases order: in-1 in stock, ma backorderable without stock
SELECT pg_temp.offer('munich', 'in-1', 100);
SELECT pg_temp.offer('munich', 'ma', NULL, 'BACKORDER');

-- ================================================================ §6 errors
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [}')$$), '22P02:%',
            '§6 malformed JSON text: 22P02');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1}]}')$$),
            '22023:%tenantOrderId%', '§6 missing tenantOrderId: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": 5, "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1}]}')$$),
            '22023:%tenantOrderId%', '§6 wrong-typed tenantOrderId: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E"}')$$),
            '22023:%orderLineItems%', '§6 missing orderLineItems: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": {"a": 1}}')$$),
            '22023:%orderLineItems%', '§6 orderLineItems not an array: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"quantity": 1}]}')$$),
            '22023:%tenantArticleId%', '§6 missing tenantArticleId: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1"}]}')$$),
            '22023:%quantity%', '§6 missing quantity: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": "2"}]}')$$),
            '22023:%quantity%', '§6 quantity as a string: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1.5}]}')$$),
            '22023:%quantity%', '§6 fractional quantity: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 0}]}')$$),
            '22023:%quantity%', '§6 quantity 0: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": -3}]}')$$),
            '22023:%quantity%', '§6 negative quantity: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 2147483648}]}')$$),
            '22023:%quantity%', '§6 quantity beyond int range: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"id": "1", "tenantArticleId": "in-1", "quantity": 1},
                                                       {"id": "1", "tenantArticleId": "in-2", "quantity": 1}]}')$$),
            '22023:%id%', '§6 duplicate line id: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "priority": "high", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1}]}')$$),
            '22023:%priority%', '§6 wrong-typed priority: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderDate": "soon", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1}]}')$$),
            '22023:%orderDate%', '§6 bad orderDate: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "consumer": {"lat": "north", "lon": 1}, "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1}]}')$$),
            '22023:%lat%', '§6 wrong-typed consumer lat: 22023 naming it');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "E", "orderLineItems": [{"tenantArticleId": "in-1", "quantity": 1, "bundleRef": 9}]}')$$),
            '22023:%bundleRef%', '§6 wrong-typed bundleRef: 22023 naming it');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id = 'E'), 0::bigint, '§6 no rejected order was stored');
SELECT pg_temp.offer('munich', 'er', 10);
SELECT pg_temp.place('ER-1', pg_temp.one_line('er', 2));
SELECT alike(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('ER-1'), '[{"lineId": "9", "quantity": 1}]')),
            '22023:%lineId%', '§6 cancel of an unknown line id: 22023 naming lineId');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('ER-1'), '[{"lineId": "1", "quantity": 3}]')),
            '22023:%quantity%', '§6 cancel larger than the line: 22023 naming quantity');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('ER-1'), '[{"lineId": "1", "quantity": 0}]')),
            '22023:%quantity%', '§6 cancel quantity 0: 22023 naming quantity');
SELECT is(pg_temp.plan_picks('ER-1'), 'ROUTED@munich{er:2(2+0)}', '§6 a rejected cancel changed nothing');
SELECT pg_temp.place('ER-2', pg_temp.one_line('ma', 1));
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L)', pg_temp.plan_of('ER-2', 'WAITING'), 'nowhere')),
            'P0002:%facility%', '§6 assign to an unknown facility: P0002 naming it');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.plan_of('ER-2', 'WAITING'), 'munich',
                               '[{"lineId": "7", "quantity": 1}]')),
            '22023:%lineId%', '§6 assign of an unknown line id: 22023 naming lineId');
SELECT alike(pg_temp.error_of($$SELECT waitroom.assign_facility(gen_random_uuid(), 'munich')$$), 'P0002:%', '§6 unknown routing plan: P0002');
SELECT alike(pg_temp.error_of($$SELECT waitroom.cancel_order(gen_random_uuid())$$), 'P0002:%', '§6 cancel of an unknown order: P0002');
SELECT alike(pg_temp.error_of($$SELECT waitroom.reroute(gen_random_uuid())$$), 'P0002:%', '§6 reroute of an unknown order: P0002');

-- idempotent retry, conflict, re-use
SELECT pg_temp.mark('idem');
CREATE TEMP TABLE idem AS SELECT waitroom.place_order(
  '{"tenantOrderId": "ID-1", "priority": 1, "orderLineItems": [{"id": "1", "tenantArticleId": "er", "quantity": 1}]}') AS j;
SELECT pg_temp.mark('idem2');
SELECT is(waitroom.place_order('{"orderLineItems": [{"quantity": 1, "tenantArticleId": "er", "id": "1"}],   "priority": 1, "tenantOrderId": "ID-1"}'),
          (SELECT j FROM idem), '§6 the same body (equal as jsonb) returns the existing order unchanged');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id = 'ID-1')::text || ' events=' || cardinality(pg_temp.events_since('idem2')),
          '1 events=0', '§6 a safe retry: no second order, no event');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "ID-1", "priority": 2, "orderLineItems": [{"id": "1", "tenantArticleId": "er", "quantity": 1}]}')$$),
            '23505:%tenantOrderId%', '§6 the same tenantOrderId as an OPEN order with a different body: 23505 naming it');
SELECT waitroom.cancel_order(pg_temp.order_of('ID-1'));
SELECT isnt(waitroom.place_order('{"tenantOrderId": "ID-1", "priority": 1, "orderLineItems": [{"id": "1", "tenantArticleId": "er", "quantity": 1}]}')->>'orderId',
            (SELECT j->>'orderId' FROM idem), '§6 a tenantOrderId whose orders are all CANCELLED may be used again (same body: a new order)');
SELECT is((SELECT string_agg(status, ',' ORDER BY status) FROM waitroom.orders WHERE tenant_order_id = 'ID-1'), 'CANCELLED,OPEN',
          '§6 ... the cancelled order stays, a new OPEN one exists');

-- direct writes
SELECT alike(pg_temp.error_of($$UPDATE waitroom.stock SET on_hand = -1 WHERE tenant_article_id = 'er'$$), '23514:%', '§6 stock.on_hand < 0: 23514');
SELECT alike(pg_temp.error_of($$UPDATE waitroom.stock SET reserved = -1 WHERE tenant_article_id = 'er'$$), '23514:%', '§6 stock.reserved < 0: 23514');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.facility (facility_ref, status) VALUES ('bad', 'CLOSED')$$), '23514:%', '§6 facility.status outside its set: 23514');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.facility (facility_ref) VALUES ('munich')$$), '23505:%', '§6 duplicate facility: 23505');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('nowhere', 'er')$$), '23503:%', '§6 listing of an unknown facility: 23503');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('nowhere', 'er', 1)$$), '23503:%', '§6 stock of an unknown facility: 23503');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('dachau', 'er', 'PREORDER')$$),
            '23514:%', '§6 PREORDER listing without preorder_available_from: 23514');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('dachau', 'er', 'SOMETIMES')$$),
            '23514:%', '§6 listing.out_of_stock_behaviour outside its set: 23514');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status) VALUES ('dachau', 'er', 'PAUSED')$$),
            '23514:%', '§6 listing.status outside its set: 23514');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('munich', 'er')$$), '23505:%', '§6 duplicate listing: 23505');
SELECT alike(pg_temp.error_of($$DELETE FROM waitroom.facility WHERE facility_ref = 'munich'$$), '23503:%', '§6 deleting a facility still referenced: 23503');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.orders (tenant_order_id) VALUES ('ER-1')$$), '23505:%', '§6 a second OPEN order with the same tenant_order_id: 23505');
SELECT alike(pg_temp.error_of($$UPDATE waitroom.routing_strategy SET waiting_room_priority = 'LIFO'$$), '23514:%', '§6 routing_strategy.waiting_room_priority outside its set: 23514');
SELECT alike(pg_temp.error_of($$UPDATE waitroom.routing_strategy SET complete_stock_fence_mode = 'dynamic'$$), '23514:%', '§6 routing_strategy.complete_stock_fence_mode outside its set: 23514');
SELECT matches(pg_temp.error_of($$INSERT INTO waitroom.routing_strategy DEFAULT VALUES$$), '^235(05|14):', '§1/§6 routing_strategy keeps one row');
SELECT alike(pg_temp.error_of($$UPDATE waitroom.orders SET status = 'DONE' WHERE tenant_order_id = 'ER-1'$$), '23514:%', '§6 orders.status outside its set: 23514');
SELECT alike(pg_temp.error_of(format('UPDATE waitroom.order_line SET quantity = 0 WHERE order_id = %L', pg_temp.order_of('ER-1'))),
             '23514:%', '§6 order_line.quantity 0: 23514');
SELECT alike(pg_temp.error_of($$UPDATE waitroom.routing_plan SET status = 'LOST' WHERE order_id = (SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'ER-1')$$),
            '23514:%', '§6 routing_plan.status outside its set: 23514');
SELECT alike(pg_temp.error_of(format('INSERT INTO waitroom.pick_job (routing_plan_id, order_id, facility_ref) SELECT routing_plan_id, order_id, facility_ref FROM waitroom.routing_plan WHERE order_id = %L',
                               pg_temp.order_of('ER-1'))), '23505:%', '§6 a second pick job for a plan: 23505');
SELECT alike(pg_temp.error_of($$INSERT INTO waitroom.routing_plan (order_id, status) VALUES (gen_random_uuid(), 'WAITING')$$), '235%', '§6 a plan of an unknown order fails on a constraint');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
