-- SPEC.md §2: functions, input, returned JSON.
-- Clause by clause, from the outside: what an app or a DBA sees through plain SQL. One file
-- per SPEC section (15_spec_s1 ... s6), each with its own data; one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(19);

\ir lib/helpers.psql
\ir lib/spec_network.psql

-- ================================================================ §2 functions
-- Each with its SPEC §7 twin: the same arguments and the tenant last (no default).
SELECT is(pg_temp.signature('place_order'), '"order" jsonb -> jsonb | "order" jsonb, tenant_id text -> jsonb',
          '§2 place_order(order jsonb) returns jsonb');
SELECT is(pg_temp.signature('reroute'), 'order_id uuid -> jsonb | order_id uuid, tenant_id text -> jsonb',
          '§2 reroute(order_id uuid) returns jsonb');
SELECT is(pg_temp.signature('reroute_all'), ' -> integer | tenant_id text -> integer', '§2 reroute_all() returns int');
SELECT is(pg_temp.signature('assign_facility'),
          'routing_plan_id uuid, facility_ref text, lines jsonb DEFAULT NULL::jsonb -> jsonb'
          ' | routing_plan_id uuid, facility_ref text, lines jsonb, tenant_id text -> jsonb',
          '§2 assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb default null) returns jsonb');
SELECT is(pg_temp.signature('cancel_order'),
          'order_id uuid, lines jsonb DEFAULT NULL::jsonb -> jsonb | order_id uuid, lines jsonb, tenant_id text -> jsonb',
          '§2 cancel_order(order_id uuid, lines jsonb default null) returns jsonb');
SELECT is(pg_temp.signature('release_due'),
          'at timestamp with time zone DEFAULT now() -> integer | at timestamp with time zone, tenant_id text -> integer',
          '§2 release_due(at timestamptz default now()) returns int');

-- ---------------------------------------------------------------- place_order input
SELECT pg_temp.offer('munich', 'in-1', 100);
SELECT pg_temp.offer('munich', 'in-2', 100);
SELECT pg_temp.place('IN-1', '[{"tenantArticleId": "in-1", "quantity": 1}, {"tenantArticleId": "in-2", "quantity": 2}]');
SELECT is((SELECT string_agg(line_id || '=' || tenant_article_id, ',' ORDER BY line_id) FROM waitroom.order_line
            WHERE order_id = pg_temp.order_of('IN-1')),
          '1=in-1,2=in-2', '§2 missing line ids get their position "1", "2"');
SELECT is((SELECT row(order_date = now(), priority, status)::text FROM waitroom.orders WHERE order_id = pg_temp.order_of('IN-1')),
          '(t,0,OPEN)', '§2 orderDate defaults to the transaction time, priority to 0; status OPEN');
SELECT pg_temp.place('IN-2', '[{"id": "x", "tenantArticleId": "in-1", "quantity": 1}, {"tenantArticleId": "in-2", "quantity": 1}]');
SELECT is((SELECT string_agg(line_id || '=' || tenant_article_id, ',' ORDER BY line_id) FROM waitroom.order_line
            WHERE order_id = pg_temp.order_of('IN-2')),
          '2=in-2,x=in-1', '§2 a missing id is the line''s position, whatever the other ids are');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "IN-3", "orderLineItems": [
              {"id": "2", "tenantArticleId": "in-1", "quantity": 1}, {"tenantArticleId": "in-2", "quantity": 1}]}')$$),
            '22023:%', '§2 position id "2" colliding with an explicit id "2" is a duplicate: 22023');
SELECT alike(pg_temp.error_of($$SELECT waitroom.place_order('{"tenantOrderId": "IN-3", "orderLineItems": [
              {"tenantArticleId": "in-1", "quantity": 1}, {"id": "1", "tenantArticleId": "in-2", "quantity": 1}]}')$$),
            '22023:%', '§2 position id "1" colliding with a later explicit id "1" is a duplicate: 22023');
SELECT pg_temp.place('IN-4', '[{"id": "a", "tenantArticleId": "in-1", "quantity": 3, "bundleRef": "K", "colour": "red"}]',
                   '{"channel": "web", "orderDate": "2026-11-22T10:00:00Z", "priority": 7, "notes": {"x": [1, 2]},
                     "consumer": {"lat": 48.1, "lon": 11.5, "city": "Munich"}}');
SELECT is((SELECT row(o.order_date = '2026-11-22T10:00:00Z'::timestamptz, o.priority, o.consumer_lat, o.consumer_lon,
                      l.line_id, l.quantity, l.bundle_ref)::text
             FROM waitroom.orders o JOIN waitroom.order_line l USING (order_id) WHERE o.order_id = pg_temp.order_of('IN-4')),
          '(t,7,48.1,11.5,a,3,K)', '§2 unknown keys ignored; orderDate, priority, consumer, id, bundleRef stored');

-- ---------------------------------------------------------------- returned JSON
SELECT is((SELECT j->>'orderId' FROM placed WHERE tid = 'IN-1'), pg_temp.order_of('IN-1')::text, '§2 JSON orderId is orders.order_id');
SELECT ok((SELECT j ?& ARRAY['orderId', 'tenantOrderId', 'status', 'routingPlans']
                  AND j->'routingPlans'->0 ?& ARRAY['routingPlanId', 'status', 'facilityRef', 'pickJobId', 'lines']
                  AND j->'routingPlans'->0->'lines'->0 ?& ARRAY['lineId', 'tenantArticleId', 'quantity', 'shortQuantity']
             FROM placed WHERE tid = 'IN-1'), '§2 JSON has the camelCase keys at all three levels');
SELECT ok((SELECT j @> '{"tenantOrderId": "IN-1", "status": "OPEN", "routingPlans": [{"status": "ROUTED", "facilityRef": "munich",
                         "lines": [{"lineId": "1", "tenantArticleId": "in-1", "quantity": 1, "shortQuantity": 0},
                                   {"lineId": "2", "tenantArticleId": "in-2", "quantity": 2, "shortQuantity": 0}]}]}'
                  AND jsonb_array_length(j->'routingPlans') = 1
                  AND jsonb_typeof(j->'routingPlans'->0->'lines'->0->'quantity') = 'number'
             FROM placed WHERE tid = 'IN-1'), '§2 JSON content: one ROUTED plan at munich, lines with numeric quantities');
SELECT is((SELECT row(j->'routingPlans'->0->>'routingPlanId', j->'routingPlans'->0->>'pickJobId')::text FROM placed WHERE tid = 'IN-1'),
          (SELECT row(p.routing_plan_id, k.pick_job_id)::text FROM waitroom.routing_plan p
             JOIN waitroom.pick_job k USING (routing_plan_id) WHERE p.order_id = pg_temp.order_of('IN-1')),
          '§2 JSON routingPlanId / pickJobId are the table ids');
SELECT is((SELECT jsonb_path_query_array(waitroom.cancel_order(pg_temp.order_of('IN-1')),
                                         '$ ? (@.status == "CANCELLED").routingPlans[*] ? (@.status == "CANCELLED").facilityRef')),
          '["munich"]', '§2 JSON after cancel: order CANCELLED and the cancelled plan included, facilityRef kept');
SELECT is((SELECT facility_ref FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('IN-1')), 'munich',
          '§1 routing_plan.facility_ref kept when CANCELLED');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
