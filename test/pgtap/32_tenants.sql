-- SPEC §7: two tenants with the same facility refs, article ids and tenantOrderIds never see
-- each other. No routing decision, reservation, waiting-room queue position, strategy, event
-- or explain crosses from one to the other, and the functions given the wrong tenant's id
-- answer P0002.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(54);

-- The same network in both tenants: facilities f1, f2; sku-1 backorderable everywhere, sku-p a
-- pre-order. Tenant a has stock of sku-1 at f1; tenant b has none.
INSERT INTO waitroom.facility (tenant_id, facility_ref, lat, lon)
  SELECT t, f, 52.5, 13.4 FROM unnest(ARRAY['a', 'b']) t, unnest(ARRAY['f1', 'f2']) f;
INSERT INTO waitroom.listing (tenant_id, facility_ref, tenant_article_id, out_of_stock_behaviour)
  SELECT t, f, 'sku-1', 'BACKORDER' FROM unnest(ARRAY['a', 'b']) t, unnest(ARRAY['f1', 'f2']) f;
INSERT INTO waitroom.listing (tenant_id, facility_ref, tenant_article_id, out_of_stock_behaviour,
                              preorder_available_from)
  SELECT t, 'f1', 'sku-p', 'PREORDER', '2030-01-01T00:00:00Z' FROM unnest(ARRAY['a', 'b']) t;
INSERT INTO waitroom.stock (tenant_id, facility_ref, tenant_article_id, on_hand)
  VALUES ('a', 'f1', 'sku-1', 5), ('b', 'f1', 'sku-1', 0), ('a', 'f1', 'sku-p', 9), ('b', 'f1', 'sku-p', 9);

CREATE FUNCTION pg_temp.order_body(tenant text, tenant_order_id text, article text, qty int,
                                   order_date text DEFAULT '2026-01-01T10:00:00Z') RETURNS jsonb
LANGUAGE sql AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
           'tenantId', tenant, 'tenantOrderId', tenant_order_id, 'orderDate', order_date,
           'orderLineItems', jsonb_build_array(jsonb_build_object('id', '1', 'tenantArticleId', article,
                                                                  'quantity', qty))))
$$;
-- PL/pgSQL with custom plans, each statement with its values as constants: on Citus
-- (test/citus/pgtap-on-citus.sh) a call of a pg_temp function inside a statement on waitroom's
-- tables would be sent to a worker, where pg_temp does not exist. For the same reason a
-- value read from one tenant's rows goes into a psql variable before an assertion uses it:
-- Citus sends a statement whose tables are all one tenant's whole to that tenant's worker,
-- pgTAP's call with it (and pgTAP's plan is the coordinator's).
CREATE FUNCTION pg_temp.oid_of(tenant text, tenant_order_id text) RETURNS uuid
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  r uuid;
BEGIN
  SELECT o.order_id INTO r FROM waitroom.orders o
   WHERE o.tenant_id = $1 AND o.tenant_order_id = $2 AND o.status = 'OPEN';
  RETURN r;
END $$;
CREATE FUNCTION pg_temp.trail(tenant text, tenant_order_id text) RETURNS text
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  o_id uuid := pg_temp.oid_of($1, $2);
  r text;
BEGIN
  SELECT string_agg(p.status || ':' || coalesce(p.facility_ref, '-'), ' ' ORDER BY p.plan_no) INTO r
    FROM waitroom.routing_plan p
   WHERE p.tenant_id = $1 AND p.order_id = o_id;
  RETURN r;
END $$;
CREATE FUNCTION pg_temp.reserved(tenant text, article text) RETURNS int
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  r int;
BEGIN
  SELECT s.reserved INTO r FROM waitroom.stock s
   WHERE s.tenant_id = $1 AND s.facility_ref = 'f1' AND s.tenant_article_id = $2;
  RETURN r;
END $$;

-- ---------------------------------------------------------------- the same tenantOrderId
SELECT is(waitroom.place_order(pg_temp.order_body('a', 'T-1', 'sku-1', 2))->>'tenantId', 'a',
          'place_order reads tenantId from the JSON and returns it');
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.order_body('b', 'T-1', 'sku-1', 3))$$,
                'tenant b may use tenant a''s tenantOrderId with another body (no 23505)');
SELECT is(pg_temp.trail('a', 'T-1'), 'ROUTED:f1', 'a''s T-1 is routed on a''s stock at f1');
SELECT is(pg_temp.trail('b', 'T-1'), 'WAITING:-', 'b''s T-1 waits: a''s stock at f1 is not b''s');
SELECT is(pg_temp.reserved('a', 'sku-1'), 2, 'the reservation is on a''s stock row');
SELECT is(pg_temp.reserved('b', 'sku-1'), 0, 'b''s stock row of the same facility and article is untouched');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id = 'T-1'), 2::bigint,
          'two OPEN orders T-1, one per tenant');
SELECT is((waitroom.place_order(pg_temp.order_body('a', 'T-1', 'sku-1', 2))->>'orderId')::uuid,
          pg_temp.oid_of('a', 'T-1'), 'a''s retry with the same body returns a''s order, not b''s');
SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.order_body('a', 'T-1', 'sku-1', 4))$$, '23505',
                 NULL, 'a different body under a''s own T-1 is still 23505');

-- ---------------------------------------------------------------- the tenant argument and bad tenantIds
SELECT is(waitroom.place_order('{"tenantOrderId": "T-2", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}',
                               'b')->>'tenantId', 'b', 'place_order(order, tenant_id) puts the order in that tenant');
SELECT ok(pg_temp.oid_of('b', 'T-2') IS NOT NULL AND pg_temp.oid_of('a', 'T-2') IS NULL,
          'T-2 exists in b only');
SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.order_body('a', 'T-3', 'sku-1', 1), 'b')$$, '22023',
                 NULL, 'tenant argument b and tenantId a: 22023');
SELECT throws_like($$SELECT waitroom.place_order('{"tenantId": 7, "tenantOrderId": "T-3", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$,
                   '%tenantId%', 'a numeric tenantId is an error naming tenantId');
SELECT throws_ok($$SELECT waitroom.place_order('{"tenantId": "", "tenantOrderId": "T-3", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')$$,
                 '22023', NULL, 'an empty tenantId: 22023');
SELECT is(waitroom.place_order('{"tenantOrderId": "T-4", "orderLineItems": [{"tenantArticleId": "sku-1", "quantity": 1}]}')->>'tenantId',
          'default', 'an order without tenantId is the default tenant''s');

-- ---------------------------------------------------------------- the waiting room and queue positions
SELECT waitroom.place_order(pg_temp.order_body('b', 'T-5', 'sku-1', 1, '2026-01-01T11:00:00Z'));
SELECT waitroom.place_order(pg_temp.order_body('a', 'T-6', 'sku-1', 9, '2026-01-01T12:00:00Z'));
SELECT is((SELECT string_agg(tenant_id || ':' || tenant_order_id || '#' || queue_position, ' '
                             ORDER BY tenant_id, queue_position)
             FROM waitroom.waiting_room WHERE tenant_article_id = 'sku-1'),
          'a:T-6#1 b:T-1#1 b:T-5#2 b:T-2#3', 'queue positions count within each tenant (T-2 has today''s date)');

-- ---------------------------------------------------------------- a restock serves its own tenant only
UPDATE waitroom.stock SET on_hand = 8 WHERE tenant_id = 'a' AND facility_ref = 'f1' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.trail('b', 'T-1'), 'WAITING:-', 'a restock of a''s f1/sku-1 does not release b''s T-1');
SELECT is(pg_temp.trail('a', 'T-6'), 'WAITING:-', 'a''s T-6 still waits (9 wanted, 6 available)');
INSERT INTO waitroom.stock (tenant_id, facility_ref, tenant_article_id, on_hand) VALUES ('b', 'f2', 'sku-1', 4);
SELECT is(pg_temp.trail('b', 'T-1'), 'ROUTED:f2', 'a new stock row in b releases b''s T-1 at f2');
SELECT is(pg_temp.trail('b', 'T-5'), 'ROUTED:f2', '... and b''s T-5, next in b''s queue');
SELECT is(pg_temp.trail('b', 'T-2'), 'WAITING:-', '... but not b''s T-2 (nothing left)');
SELECT is(pg_temp.trail('a', 'T-6'), 'WAITING:-', 'b''s restock did not release a''s T-6');
SELECT count(*) AS n FROM waitroom.stock WHERE tenant_id = 'a' AND facility_ref = 'f2' \gset
SELECT is(:n::bigint, 0::bigint, 'no stock row of a''s f2 was made by b''s reservations');

-- ---------------------------------------------------------------- the routing strategy is per tenant
INSERT INTO waitroom.routing_strategy (tenant_id, waiting_room_priority, max_split_count)
  VALUES ('b', 'PRIORITY', 1);
SELECT waiting_room_priority || '/' || max_split_count AS s FROM waitroom.routing_strategy WHERE tenant_id = 'default' \gset
SELECT is(:'s'::text, 'FIFO/3', 'b''s strategy row leaves the default tenant''s as it was');
-- Tenant c has no row: it routes under the defaults (waiting room on, reactive fence).
INSERT INTO waitroom.facility (tenant_id, facility_ref) VALUES ('c', 'f1');
INSERT INTO waitroom.listing (tenant_id, facility_ref, tenant_article_id, out_of_stock_behaviour)
  VALUES ('c', 'f1', 'sku-1', 'BACKORDER');
SELECT is(waitroom.place_order(pg_temp.order_body('c', 'T-1', 'sku-1', 1))#>>'{routingPlans,0,status}', 'WAITING',
          'a tenant without a strategy row routes under the defaults (waits)');
-- Strategy changes in a re-route a's plans only.
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = false,
                                     complete_stock_fence_active = false
 WHERE tenant_id = 'b';
SELECT matches(pg_temp.trail('b', 'T-2'), '^ROUTED:f[12]$', 'b''s strategy change (waiting room off) re-routes b''s waiting plan (rule 4)');
SELECT is(pg_temp.trail('a', 'T-6'), 'WAITING:-', '... and not a''s');
SELECT is(pg_temp.trail('c', 'T-1'), 'WAITING:-', '... nor c''s');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true,
                                     complete_stock_fence_active = true
 WHERE tenant_id = 'b';

-- ---------------------------------------------------------------- the wrong tenant's ids: P0002
SELECT throws_ok(format('SELECT waitroom.reroute(%L, %L)', pg_temp.oid_of('a', 'T-6'), 'b'), 'P0002', NULL,
                 'reroute of a''s order named as b''s: P0002');
SELECT throws_ok(format('SELECT waitroom.cancel_order(%L, NULL, %L)', pg_temp.oid_of('a', 'T-6'), 'b'), 'P0002', NULL,
                 'cancel_order of a''s order named as b''s: P0002');
SELECT throws_ok(format('SELECT waitroom.order_json(%L, %L)', pg_temp.oid_of('a', 'T-6'), 'b'), 'P0002', NULL,
                 'order_json of a''s order named as b''s: P0002');
SELECT throws_ok(format('SELECT waitroom.explain(%L, %L)', pg_temp.oid_of('a', 'T-6'), 'b'), 'P0002', NULL,
                 'explain of a''s order named as b''s: P0002');
SELECT pg_temp.oid_of('a', 'T-6') AS o \gset
SELECT routing_plan_id AS p FROM waitroom.routing_plan WHERE tenant_id = 'a' AND order_id = :'o' \gset
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L, NULL, %L)', :'p', 'f1', 'b'), 'P0002', NULL,
                 'assign_facility of a''s plan named as b''s: P0002');
INSERT INTO waitroom.facility (tenant_id, facility_ref) VALUES ('b', 'f-b-only');
SELECT throws_ok(format('SELECT waitroom.assign_facility(%L, %L)', :'p', 'f-b-only'), 'P0002', NULL,
                 'assign_facility of a''s plan to a facility only b has: P0002');
SELECT is(waitroom.reroute(pg_temp.oid_of('a', 'T-6'))->>'tenantId', 'a',
          'reroute without a tenant finds the order''s own tenant');
SELECT is(waitroom.order_json(pg_temp.oid_of('b', 'T-1'), 'b')->>'tenantOrderId', 'T-1',
          'order_json with the right tenant answers');

-- ---------------------------------------------------------------- events
SELECT is((SELECT count(*) FROM waitroom.event WHERE payload->>'tenantId' IS DISTINCT FROM tenant_id), 0::bigint,
          'every event''s payload names its row''s tenant');
SELECT is((SELECT count(*) FROM waitroom.event e
            WHERE e.order_id IS NOT NULL
              AND NOT EXISTS (SELECT FROM waitroom.orders o WHERE o.tenant_id = e.tenant_id AND o.order_id = e.order_id)),
          0::bigint, 'every event is about an order of its own tenant');
SELECT pg_temp.oid_of('a', 'T-1') AS oa, pg_temp.oid_of('b', 'T-1') AS ob \gset
SELECT is((SELECT array_agg(DISTINCT tenant_id ORDER BY tenant_id) FROM waitroom.event
            WHERE order_id IN (:'oa', :'ob')),
          ARRAY['a', 'b'], 'both T-1 orders have events, each in its own tenant');
SELECT count(*) AS n FROM waitroom.event WHERE tenant_id = 'a' AND event = 'ROUTING_PLAN_ROUTED'
   AND payload->>'facilityRef' = 'f2' \gset
SELECT is(:n::bigint, 0::bigint, 'no ROUTED event at f2 in a (only b routed there)');

-- ---------------------------------------------------------------- explain
SELECT is((SELECT string_agg(p->>'status' || ':' || (p->>'facilityRef') || ':' || (p #>> '{decision,plans,0,facilityRef}'), ' ')
             FROM jsonb_array_elements(waitroom.explain(pg_temp.oid_of('a', 'T-1'))->'routingPlans') p),
          'ROUTED:f1:f1', 'explain of a''s T-1: its one plan, decided at f1 by a''s own decision');
SELECT is((SELECT string_agg(p->>'runType' || ':' || (p->>'facilityRef'), ' ')
             FROM jsonb_array_elements(waitroom.explain(pg_temp.oid_of('b', 'T-1'), 'b')->'routingPlans') p),
          'REACTIVATION:f2', 'explain of b''s T-1: b''s plan, released at f2');

-- ---------------------------------------------------------------- release_due and reroute_all by tenant
SELECT waitroom.place_order(pg_temp.order_body(t, 'P-1', 'sku-p', 1)) FROM unnest(ARRAY['a', 'b']) t;
SELECT is(pg_temp.trail('a', 'P-1') || ' ' || pg_temp.trail('b', 'P-1'), 'WAITING:- WAITING:-',
          'the pre-orders wait in both tenants');
SELECT is(waitroom.release_due('2030-01-02T00:00:00Z', 'a'), 1, 'release_due(at, ''a'') changes one plan');
SELECT is(pg_temp.trail('a', 'P-1') || ' ' || pg_temp.trail('b', 'P-1'), 'ROUTED:f1 WAITING:-',
          '... a''s: b''s pre-order still waits');
SELECT is(waitroom.release_due('2030-01-02T00:00:00Z'), 1, 'release_due(at) with no tenant serves every tenant');
SELECT is(pg_temp.trail('b', 'P-1'), 'ROUTED:f1', '... b''s pre-order is routed');
UPDATE waitroom.stock SET on_hand = 20 WHERE tenant_id = 'a' AND facility_ref = 'f1' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.trail('a', 'T-6'), 'ROUTED:f1', 'the restock of a''s stock serves a''s T-6');
-- c's order of an article nobody lists is NOT_ROUTABLE; a listing with stock arriving later
-- does not retry it (SPEC §4): only reroute / reroute_all do.
SELECT waitroom.place_order(pg_temp.order_body('c', 'T-2', 'sku-n', 1));
SELECT is(pg_temp.trail('c', 'T-2'), 'NOT_ROUTABLE:-', 'c''s T-2 is not routable');
INSERT INTO waitroom.listing (tenant_id, facility_ref, tenant_article_id) VALUES ('c', 'f1', 'sku-n');
INSERT INTO waitroom.stock (tenant_id, facility_ref, tenant_article_id, on_hand) VALUES ('c', 'f1', 'sku-n', 1);
SELECT is(waitroom.reroute_all('a'), 0, 'reroute_all(''a''): nothing of a is unrouted');
SELECT is(pg_temp.trail('c', 'T-2'), 'NOT_ROUTABLE:-', '... and c''s plan is not touched');
SELECT is(waitroom.reroute_all(), 1, 'reroute_all() with no tenant retries every tenant''s plans');
SELECT is(pg_temp.trail('c', 'T-2'), 'ROUTED:f1', '... c''s T-2 is routed');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold in every tenant');
SELECT * FROM finish();
ROLLBACK;
