-- SPEC.md, clause by clause, from the outside: what an app or a DBA sees through plain SQL.
-- Independent of the other files: its own helpers, its own network, one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(208);

\ir lib/helpers.psql

-- ================================================================ §1 objects
SELECT has_schema('waitroom', '§1 schema waitroom');
SELECT is(pg_temp.missing_columns('facility', '{facility_ref,name,status,lat,lon}'), '{}', '§1 facility columns');
SELECT is(pg_temp.missing_columns('listing', '{facility_ref,tenant_article_id,status,out_of_stock_behaviour,preorder_available_from}'),
          '{}', '§1 listing columns');
SELECT is(pg_temp.missing_columns('stock', '{facility_ref,tenant_article_id,on_hand,reserved}'), '{}', '§1 stock columns');
SELECT is(pg_temp.missing_columns('routing_strategy', '{complete_stock_fence_active,complete_stock_fence_mode,order_split_active,max_split_count,use_waiting_room_for_pre_back_order_items,waiting_room_priority}'),
          '{}', '§1 routing_strategy columns');
SELECT is(pg_temp.missing_columns('orders', '{order_id,tenant_order_id,status,order_date,priority,consumer_lat,consumer_lon}'),
          '{}', '§1 orders columns');
SELECT is(pg_temp.missing_columns('order_line', '{order_id,line_id,tenant_article_id,quantity,bundle_ref}'), '{}', '§1 order_line columns');
SELECT is(pg_temp.missing_columns('routing_plan', '{routing_plan_id,order_id,parent_routing_plan_id,status,facility_ref,run_type,waiting_since}'),
          '{}', '§1 routing_plan columns');
SELECT is(pg_temp.missing_columns('routing_plan_line', '{routing_plan_id,line_id,tenant_article_id,quantity}'), '{}',
          '§1 routing_plan_line columns');
SELECT is(pg_temp.missing_columns('pick_job', '{pick_job_id,routing_plan_id,order_id,facility_ref,status,sub_status}'), '{}',
          '§1 pick_job columns');
SELECT is(pg_temp.missing_columns('pick_line', '{pick_job_id,line_id,tenant_article_id,quantity,short_quantity}'), '{}',
          '§1 pick_line columns');
SELECT is(pg_temp.missing_columns('event', '{event_id,event,payload,created_at}'), '{}', '§1 event columns');
SELECT has_view('waitroom', 'waiting_room', '§1 view waiting_room');
SELECT is(pg_temp.missing_columns('waiting_room', '{order_id,tenant_order_id,routing_plan_id,tenant_article_id,quantity,reason,waiting_since,preorder_available_from,queue_position}'),
          '{}', '§1 waiting_room columns');
SELECT is((SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ' ' ORDER BY table_name, column_name)
             FROM information_schema.columns
            WHERE table_schema = 'waitroom'
              AND (table_name, column_name) IN (('facility', 'lat'), ('facility', 'lon'), ('listing', 'preorder_available_from'),
                   ('stock', 'on_hand'), ('stock', 'reserved'), ('orders', 'order_id'), ('orders', 'order_date'),
                   ('orders', 'priority'), ('routing_plan', 'routing_plan_id'), ('pick_job', 'pick_job_id'),
                   ('event', 'payload'), ('order_line', 'quantity'), ('routing_strategy', 'max_split_count'))),
          'event.payload:jsonb facility.lat:double precision facility.lon:double precision '
          'listing.preorder_available_from:timestamp with time zone order_line.quantity:integer '
          'orders.order_date:timestamp with time zone orders.order_id:uuid orders.priority:integer '
          'pick_job.pick_job_id:uuid routing_plan.routing_plan_id:uuid routing_strategy.max_split_count:integer '
          'stock.on_hand:integer stock.reserved:integer',
          '§1 contract column types');
SELECT col_is_pk('waitroom', 'listing', ARRAY['facility_ref', 'tenant_article_id'], '§1 listing key');
SELECT col_is_pk('waitroom', 'order_line', ARRAY['order_id', 'line_id'], '§1 order_line key');
SELECT col_is_unique('waitroom', 'pick_job', 'routing_plan_id', '§1 pick_job.routing_plan_id unique');

-- routing_strategy: one row with the defaults
SELECT is((SELECT array_agg(row(complete_stock_fence_active, complete_stock_fence_mode, order_split_active, max_split_count,
                                use_waiting_room_for_pre_back_order_items, waiting_room_priority)::text)
             FROM waitroom.routing_strategy),
          ARRAY['(t,reactive,t,3,f,FIFO)'], '§1 routing_strategy: one row, defaults true/reactive/true/3/false/FIFO');

-- ---------------------------------------------------------------- network
-- consumer (48.1, 11.5): munich ~7 km, dachau ~18 km, twin_a = twin_b ~44 km, augsburg ~50 km,
-- berlin ~505 km, hamburg ~610 km; noloc has no location.
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
  ('munich', 'Munich', 48.14, 11.58), ('dachau', 'Dachau', 48.26, 11.43), ('augsburg', 'Augsburg', 48.37, 10.90),
  ('berlin', 'Berlin', 52.52, 13.40), ('hamburg', 'Hamburg', 53.55, 9.99),
  ('twin_b', 'Twin B', 48.50, 11.50), ('twin_a', 'Twin A', 48.50, 11.50);
INSERT INTO waitroom.facility (facility_ref) VALUES ('noloc');
INSERT INTO waitroom.facility (facility_ref, status, lat, lon) VALUES
  ('susp', 'SUSPENDED', 48.1, 11.5), ('off', 'OFFLINE', 48.1, 11.5), ('later', 'SUSPENDED', 48.1, 11.5);
SELECT is((SELECT status || ':' || coalesce(lat::text, 'null') FROM waitroom.facility WHERE facility_ref = 'noloc'),
          'ONLINE:null', '§1 facility.status defaults to ONLINE, lat/lon nullable');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('munich', 'dflt');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'dflt', 1);
SELECT is((SELECT l.status || ':' || l.out_of_stock_behaviour || ':' || s.reserved
             FROM waitroom.listing l JOIN waitroom.stock s USING (facility_ref, tenant_article_id)
            WHERE l.tenant_article_id = 'dflt'),
          'ACTIVE:NONE:0', '§1 listing defaults ACTIVE / NONE; an app''s stock row starts reserved 0');

-- ================================================================ §2 functions
SELECT is(pg_temp.signature('place_order'), '"order" jsonb -> jsonb', '§2 place_order(order jsonb) returns jsonb');
SELECT is(pg_temp.signature('reroute'), 'order_id uuid -> jsonb', '§2 reroute(order_id uuid) returns jsonb');
SELECT is(pg_temp.signature('reroute_all'), ' -> integer', '§2 reroute_all() returns int');
SELECT is(pg_temp.signature('assign_facility'), 'routing_plan_id uuid, facility_ref text, lines jsonb DEFAULT NULL::jsonb -> jsonb',
          '§2 assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb default null) returns jsonb');
SELECT is(pg_temp.signature('cancel_order'), 'order_id uuid, lines jsonb DEFAULT NULL::jsonb -> jsonb',
          '§2 cancel_order(order_id uuid, lines jsonb default null) returns jsonb');
SELECT is(pg_temp.signature('release_due'), 'at timestamp with time zone DEFAULT now() -> integer',
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

-- ================================================================ §3 routing
-- rule 1 and the penalty
SELECT pg_temp.offer('berlin', 'p-1', 5); SELECT pg_temp.offer('munich', 'p-1', 5);
SELECT pg_temp.mark('p1');
SELECT pg_temp.place('P-1', pg_temp.one_line('p-1', 2));
SELECT is(pg_temp.plan_picks('P-1'), 'ROUTED@munich{p-1:2(2+0)}', '§3.1 complete stock at two: the nearer (munich) wins');
SELECT is(pg_temp.reserved('munich', 'p-1') || '/' || pg_temp.reserved('berlin', 'p-1'), '2/0', '§3.1 stock reserved at munich');
SELECT is((SELECT status FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('P-1')), 'OPEN', '§3.1 one OPEN pick job');
SELECT is(pg_temp.events_since('p1'),
          '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 routed order: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
SELECT pg_temp.place('P-2', pg_temp.one_line('p-1', 1), near => false);
SELECT is(pg_temp.plan_picks('P-2'), 'ROUTED@berlin{p-1:1(1+0)}', '§3 consumer location unknown: penalty 0 for all, tie by facility_ref (berlin)');
SELECT pg_temp.offer('noloc', 'p-3', 5); SELECT pg_temp.offer('hamburg', 'p-3', 5);
SELECT pg_temp.place('P-3', pg_temp.one_line('p-3', 1));
SELECT is(pg_temp.plan_picks('P-3'), 'ROUTED@hamburg{p-3:1(1+0)}', '§3 a facility without a location ranks after every known distance');
SELECT pg_temp.offer('twin_b', 'p-4', 5); SELECT pg_temp.offer('twin_a', 'p-4', 5);
SELECT pg_temp.place('P-4', pg_temp.one_line('p-4', 1));
SELECT is(pg_temp.plan_picks('P-4'), 'ROUTED@twin_a{p-4:1(1+0)}', '§3 equal penalty: tie broken by facility_ref');
SELECT pg_temp.offer('susp', 'p-5', 5); SELECT pg_temp.offer('off', 'p-5', 5);
SELECT pg_temp.offer('munich', 'p-5', 5, status => 'INACTIVE'); SELECT pg_temp.offer('hamburg', 'p-5', 5);
SELECT pg_temp.place('P-5', pg_temp.one_line('p-5', 1));
SELECT is(pg_temp.plan_picks('P-5'), 'ROUTED@hamburg{p-5:1(1+0)}', '§3 candidates: SUSPENDED / OFFLINE facilities and INACTIVE listings are not used');

-- rule 2: split
SELECT pg_temp.offer('munich', 's-a', 1); SELECT pg_temp.offer('dachau', 's-b', 1);
SELECT pg_temp.mark('s');
SELECT pg_temp.place('S-1', '[{"id": "1", "tenantArticleId": "s-a", "quantity": 1}, {"id": "2", "tenantArticleId": "s-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('S-1'), 'ROUTED@dachau{s-b:1(1+0)} ROUTED@munich{s-a:1(1+0)}', '§3.2 no single facility: split into two ROUTED plans');
SELECT is(pg_temp.events_since('s'),
          '{ORDER_CREATED,ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 split: ROUTING_PLAN_SPLITTED');
-- fewest plans beats a lower summed penalty
SELECT pg_temp.offer('munich', 'f-a', 1); SELECT pg_temp.offer('dachau', 'f-b', 1);
SELECT pg_temp.offer('augsburg', 'f-c', 1); SELECT pg_temp.offer('augsburg', 'f-d', 1);
SELECT pg_temp.offer('berlin', 'f-a', 1); SELECT pg_temp.offer('berlin', 'f-b', 1);
SELECT pg_temp.place('F-1', '[{"tenantArticleId": "f-a", "quantity": 1}, {"tenantArticleId": "f-b", "quantity": 1},
                           {"tenantArticleId": "f-c", "quantity": 1}, {"tenantArticleId": "f-d", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('F-1'), 'ROUTED@augsburg{f-c:1(1+0),f-d:1(1+0)} ROUTED@berlin{f-a:1(1+0),f-b:1(1+0)}',
          '§3.2 fewest plans (berlin + augsburg) before the lowest summed penalty (munich + dachau + augsburg)');
-- lowest summed penalty
SELECT pg_temp.offer('munich', 'y-a', 1); SELECT pg_temp.offer('berlin', 'y-a', 1);
SELECT pg_temp.offer('hamburg', 'y-b', 1); SELECT pg_temp.offer('dachau', 'y-b', 1);
SELECT pg_temp.place('Y-1', '[{"tenantArticleId": "y-a", "quantity": 1}, {"tenantArticleId": "y-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('Y-1'), 'ROUTED@dachau{y-b:1(1+0)} ROUTED@munich{y-a:1(1+0)}', '§3.2 two plans: the lowest summed penalty');
-- max_split_count: most units served within the cap
UPDATE waitroom.routing_strategy SET max_split_count = 2;
SELECT pg_temp.offer('munich', 'm-a', 1); SELECT pg_temp.offer('dachau', 'm-b', 1); SELECT pg_temp.offer('augsburg', 'm-c', 1);
SELECT pg_temp.offer('berlin', 'm-a', 1); SELECT pg_temp.offer('berlin', 'm-b', 1);
SELECT pg_temp.place('M-1', '[{"tenantArticleId": "m-a", "quantity": 1}, {"tenantArticleId": "m-b", "quantity": 1},
                           {"tenantArticleId": "m-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('M-1'), 'ROUTED@augsburg{m-c:1(1+0)} ROUTED@berlin{m-a:1(1+0),m-b:1(1+0)}',
          '§3.2 max_split_count 2: the choice serving all units (berlin + augsburg), not the nearest two');
-- left over by the cap, not pre/backorderable: short-picked at the routed plan with the most of it
SELECT pg_temp.offer('munich', 'c-a', 1); SELECT pg_temp.offer('dachau', 'c-b', 1);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('munich', 'c-c'), ('augsburg', 'c-c');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'c-c', 1), ('augsburg', 'c-c', 2);
SELECT pg_temp.place('C-1', '[{"tenantArticleId": "c-a", "quantity": 1}, {"tenantArticleId": "c-b", "quantity": 1},
                           {"tenantArticleId": "c-c", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('C-1'), 'ROUTED@dachau{c-b:1(1+0)} ROUTED@munich#SHORT_PICKED{c-a:1(1+0),c-c:2(1+1)}',
          '§3.2 cap 2: munich + dachau (2 units, lowest penalty); c-c left over, short-picked at munich (1 of 2)');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
-- short pick goes to the routed plan whose facility has the most
SELECT pg_temp.offer('munich', 'k-b', 1); SELECT pg_temp.offer('dachau', 'k-c', 1);
SELECT pg_temp.offer('munich', 'k-a', 1); SELECT pg_temp.offer('dachau', 'k-a', 2);
SELECT pg_temp.place('K-1', '[{"tenantArticleId": "k-a", "quantity": 5}, {"tenantArticleId": "k-b", "quantity": 1},
                           {"tenantArticleId": "k-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('K-1'), 'ROUTED@dachau#SHORT_PICKED{k-a:5(2+3),k-c:1(1+0)} ROUTED@munich{k-b:1(1+0)}',
          '§3.2 short pick: k-a goes to the routed plan with the most (dachau: 2 picked, 3 short)');
SELECT is((SELECT string_agg(facility_ref || ':' || coalesce(sub_status, '-'), ' ' ORDER BY facility_ref)
             FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('K-1')),
          'dachau:SHORT_PICKED munich:-', '§1 pick_job.sub_status SHORT_PICKED where a line is short');
SELECT ok((SELECT j @> '{"routingPlans": [{"facilityRef": "dachau", "lines": [{"tenantArticleId": "k-a", "quantity": 5, "shortQuantity": 3}]}]}'
             FROM placed WHERE tid = 'K-1'), '§2 JSON shows shortQuantity 3 on the short line');
-- with no routed plan: the facility with the most
SELECT pg_temp.offer('munich', 'h-a', 1); SELECT pg_temp.offer('dachau', 'h-a', 2);
SELECT pg_temp.place('H-1', pg_temp.one_line('h-a', 5));
SELECT is(pg_temp.plan_picks('H-1'), 'ROUTED@dachau#SHORT_PICKED{h-a:5(2+3)}', '§3.2 short pick with no routed plan: the facility that has the most');
SELECT is(pg_temp.reserved('dachau', 'h-a'), 2, '§3.2 short pick reserves only what is picked');
-- nothing anywhere, not pre/backorderable, beside a routed unit
SELECT pg_temp.offer('munich', 'n-a', 3); SELECT pg_temp.offer('dachau', 'n-b', 0);
SELECT pg_temp.mark('n');
SELECT pg_temp.place('N-1', '[{"tenantArticleId": "n-a", "quantity": 1}, {"tenantArticleId": "n-b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('N-1'), 'ROUTED@munich#SHORT_PICKED{n-a:1(1+0),n-b:2(0+2)}',
          '§3.2 a unit no facility has any of joins the routed plan, short-picked (never a plan of its own)');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('N-1')), 1::bigint,
          '§3.2 ... one plan: no NOT_ROUTABLE plan beside it');
SELECT is(pg_temp.events_since('n'),
          '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 short pick beside nothing else: ORDER_CREATED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED; no split, no NOT_ROUTABLE');
-- rule 5
SELECT pg_temp.offer('munich', 'n-x', 0);
SELECT pg_temp.place('N-2', pg_temp.one_line('n-x', 1));
SELECT is(pg_temp.plan_picks('N-2') || ' jobs=' || (SELECT count(*) FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('N-2')),
          'NOT_ROUTABLE@-{n-x:1} jobs=0', '§3.5 nothing available, nothing pre/backorderable: NOT_ROUTABLE, no pick job');

-- rule 2 with the waiting room on (default: fence active + reactive)
SELECT pg_temp.offer('munich', 'w-a', 3); SELECT pg_temp.offer('dachau', 'w-b', 0, 'BACKORDER');
SELECT pg_temp.mark('w');
SELECT pg_temp.place('W-1', '[{"tenantArticleId": "w-a", "quantity": 1}, {"tenantArticleId": "w-b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('W-1'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{w-b:2}', '§3.2 backorderable unit waits, the rest is routed');
SELECT ok(pg_temp.routed_are_children('W-1'), '§3.7 the routed part is a child of the WAITING plan');
SELECT ok((SELECT waiting_since IS NOT NULL AND facility_ref IS NULL FROM waitroom.routing_plan
            WHERE routing_plan_id = pg_temp.plan_of('W-1', 'WAITING')), '§1 a WAITING plan has waiting_since and no facility');
SELECT is(pg_temp.events_since('w'),
          '{ORDER_CREATED,ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}', '§5 ROUTING_PLAN_WAITING');
SELECT is(pg_temp.queue('w-b'), 'W-1#1:BACKORDER_NO_STOCK', '§1 waiting_room: BACKORDER_NO_STOCK, queue_position 1');
SELECT is((SELECT row(w.order_id = pg_temp.order_of('W-1'), w.routing_plan_id = p.routing_plan_id, w.quantity,
                      w.waiting_since = p.waiting_since, w.preorder_available_from IS NULL)::text
             FROM waitroom.waiting_room w JOIN waitroom.routing_plan p ON p.routing_plan_id = pg_temp.plan_of('W-1', 'WAITING')
            WHERE w.tenant_article_id = 'w-b'),
          '(t,t,2,t,t)', '§1 waiting_room row: order_id, routing_plan_id, quantity, waiting_since of the plan');
-- a bundle waits as one
SELECT pg_temp.offer('munich', 'b-a', 3); SELECT pg_temp.offer('dachau', 'b-b', 0, 'BACKORDER');
SELECT pg_temp.place('B-1', '[{"tenantArticleId": "b-a", "quantity": 1, "bundleRef": "K"},
                           {"tenantArticleId": "b-b", "quantity": 1, "bundleRef": "K"}]');
SELECT is(pg_temp.plan_picks('B-1'), 'WAITING@-{b-a:1,b-b:1}', '§3 a bundle is never split: it waits whole');
SELECT is(pg_temp.queue('b-a') || ' ' || pg_temp.queue('b-b'), 'B-1#1:BUNDLE_INCOMPLETE B-1#1:BACKORDER_NO_STOCK',
          '§1 waiting_room: the in-stock bundle line is BUNDLE_INCOMPLETE');
SELECT is(pg_temp.reserved('munich', 'b-a'), 0, '§3.6 a waiting plan reserves nothing');

-- several waiting units share one WAITING plan; a bundle waits beside a routed line
SELECT pg_temp.offer('dachau', 'w-c', 0, 'BACKORDER');
SELECT pg_temp.place('W-2', '[{"tenantArticleId": "w-a", "quantity": 1}, {"tenantArticleId": "w-b", "quantity": 1},
                           {"tenantArticleId": "w-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('W-2'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{w-b:1,w-c:1}', '§3.2 the waiting units move to one WAITING plan');
SELECT pg_temp.place('B-2', '[{"tenantArticleId": "b-a", "quantity": 1, "bundleRef": "K"},
                           {"tenantArticleId": "b-b", "quantity": 1, "bundleRef": "K"}, {"tenantArticleId": "w-a", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('B-2'), 'ROUTED@munich{w-a:1(1+0)} WAITING@-{b-a:1,b-b:1}',
          '§3.2 a bundle is pre/backorderable when any line in it is: the whole bundle waits, the rest is routed');
-- a bundle stays at one facility
SELECT pg_temp.offer('munich', 'u-1', 1); SELECT pg_temp.offer('munich', 'u-3', 1); SELECT pg_temp.offer('dachau', 'u-2', 1);
SELECT pg_temp.offer('berlin', 'u-1', 1); SELECT pg_temp.offer('berlin', 'u-2', 1);
SELECT pg_temp.place('U-1', '[{"tenantArticleId": "u-1", "quantity": 1, "bundleRef": "B"},
                           {"tenantArticleId": "u-2", "quantity": 1, "bundleRef": "B"}, {"tenantArticleId": "u-3", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('U-1'), 'ROUTED@berlin{u-1:1(1+0),u-2:1(1+0)} ROUTED@munich{u-3:1(1+0)}',
          '§3 a bundle is never split: it goes whole to berlin, not u-1 munich + u-2 dachau');
-- candidates for pre/backorderability and stock
SELECT pg_temp.offer('susp', 'cb', NULL, 'BACKORDER'); SELECT pg_temp.offer('munich', 'cb', 0);
SELECT pg_temp.place('CB-1', pg_temp.one_line('cb', 1));
SELECT is(pg_temp.plan_picks('CB-1'), 'NOT_ROUTABLE@-{cb:1}', '§3 a BACKORDER listing at a SUSPENDED facility does not make a line backorderable');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'nl', 5);
SELECT pg_temp.offer('hamburg', 'nl', 5);
SELECT pg_temp.place('NL-1', pg_temp.one_line('nl', 1));
SELECT is(pg_temp.plan_picks('NL-1'), 'ROUTED@hamburg{nl:1(1+0)}', '§3 stock without a listing is not a candidate');

-- rule 3: split not active
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'x-a', 3); SELECT pg_temp.offer('dachau', 'x-b', 0, 'BACKORDER');
SELECT pg_temp.place('X-1', '[{"tenantArticleId": "x-a", "quantity": 1}, {"tenantArticleId": "x-b", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('X-1'), 'WAITING@-{x-a:1,x-b:1}', '§3.3 split off, a missing unit backorderable: the whole order waits');
SELECT is(pg_temp.queue('x-a'), 'X-1#1:WAITING_FOR_OTHER_ITEMS', '§1 waiting_room: the in-stock line is WAITING_FOR_OTHER_ITEMS');
SELECT pg_temp.offer('munich', 'z-a', 1); SELECT pg_temp.offer('berlin', 'z-b', 1); SELECT pg_temp.offer('berlin', 'z-c', 1);
SELECT pg_temp.place('Z-1', '[{"tenantArticleId": "z-a", "quantity": 1}, {"tenantArticleId": "z-b", "quantity": 1},
                           {"tenantArticleId": "z-c", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('Z-1'), 'ROUTED@berlin#SHORT_PICKED{z-a:1(0+1),z-b:1(1+0),z-c:1(1+0)}',
          '§3.3 split off: routed whole where most units are served (berlin), the missing one short-picked');
SELECT pg_temp.offer('munich', 'q-a', 1); SELECT pg_temp.offer('munich', 'q-c', 2);
SELECT pg_temp.offer('berlin', 'q-b', 1); SELECT pg_temp.offer('berlin', 'q-c', 4);
SELECT pg_temp.place('Q-1', '[{"tenantArticleId": "q-a", "quantity": 1}, {"tenantArticleId": "q-b", "quantity": 1},
                           {"tenantArticleId": "q-c", "quantity": 5}]');
SELECT is(pg_temp.plan_picks('Q-1'), 'ROUTED@berlin#SHORT_PICKED{q-a:1(0+1),q-b:1(1+0),q-c:5(4+1)}',
          '§3.3 split off, equal units: the most quantity (berlin 5 vs munich 3) before the penalty');
UPDATE waitroom.routing_strategy SET order_split_active = true;
SELECT waitroom.cancel_order(pg_temp.order_of('X-1'));  -- servable in part once split is on again: out of reroute_all's way

-- waiting room on/off and rule 4
SELECT pg_temp.offer('munich', 'o-1', NULL, 'BACKORDER');
UPDATE waitroom.routing_strategy SET complete_stock_fence_mode = 'static';
SELECT pg_temp.place('O-1', pg_temp.one_line('o-1', 2));
SELECT is(pg_temp.plan_picks('O-1'), 'ROUTED@munich{o-1:2(2+0)}', '§3.4 fence static, flag false: waiting room off, routed without stock check');
SELECT is((SELECT on_hand || '/' || reserved FROM waitroom.stock WHERE facility_ref = 'munich' AND tenant_article_id = 'o-1'),
          '0/2', '§1/§3.4 the reservation creates the missing stock row with on_hand 0');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;
SELECT pg_temp.place('O-2', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-2'), 'WAITING@-{o-1:1}', '§3 fence static + flag true: waiting room on');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SELECT pg_temp.place('O-3', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-3'), 'WAITING@-{o-1:1}', '§3 fence inactive + flag true: waiting room on');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = false, complete_stock_fence_mode = 'reactive';
SELECT pg_temp.offer('munich', 'o-4', 0, 'BACKORDER'); SELECT pg_temp.offer('berlin', 'o-4', 1, 'BACKORDER');
SELECT pg_temp.place('O-4', pg_temp.one_line('o-4', 3));
SELECT is(pg_temp.plan_picks('O-4'), 'ROUTED@berlin{o-4:3(3+0)}', '§3.4 fence inactive, flag false: routed to the BACKORDER listing with stock first');
SELECT is(pg_temp.reserved('berlin', 'o-4'), 3, '§3.4 reserved beyond on_hand (3 of 1)');
SELECT pg_temp.offer('dachau', 'o-5', 0, 'PREORDER', preorder_from => '2099-01-01'); SELECT pg_temp.offer('munich', 'o-5', 0, 'BACKORDER');
SELECT pg_temp.place('O-5', pg_temp.one_line('o-5', 1));
SELECT is(pg_temp.plan_picks('O-5'), 'ROUTED@munich{o-5:1(1+0)}', '§3.4 no stock anywhere: the lowest penalty');
SELECT pg_temp.offer('munich', 'o-7a', 1); SELECT pg_temp.offer('dachau', 'o-7b', NULL, 'BACKORDER');
SELECT pg_temp.place('O-7', '[{"tenantArticleId": "o-7a", "quantity": 1}, {"tenantArticleId": "o-7b", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('O-7'), 'ROUTED@dachau{o-7b:2(2+0)} ROUTED@munich{o-7a:1(1+0)}',
          '§3.4 waiting room off: the in-stock line routed by stock, the backorder line routed without a stock check');
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true;
SELECT pg_temp.place('O-6', pg_temp.one_line('o-1', 1));
SELECT is(pg_temp.plan_picks('O-6'), 'WAITING@-{o-1:1}', '§3 defaults again (fence active + reactive): waiting room on');

-- ================================================================ §4 the waiting room
-- reroute_all: only plans that change are counted (every unrouted plan so far stays as it is)
SELECT pg_temp.offer('munich', 'ra', 0);
SELECT pg_temp.place('RA-1', pg_temp.one_line('ra', 2));
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'munich' AND tenant_article_id = 'ra';
SELECT is(pg_temp.plan_picks('RA-1'), 'NOT_ROUTABLE@-{ra:2}', '§4 NOT_ROUTABLE plans are not retried by the stock trigger');
SELECT is(waitroom.reroute_all(), 1, '§2 reroute_all returns how many plans changed (1)');
SELECT is(pg_temp.plan_picks('RA-1'), 'ROUTED@munich{ra:2(2+0)}', '§2 reroute_all routed the NOT_ROUTABLE plan');
SELECT is(waitroom.reroute_all(), 0, '§2 reroute_all again: nothing changes, 0');
SELECT pg_temp.offer('munich', 'rr', 0);
SELECT pg_temp.place('RR-1', pg_temp.one_line('rr', 1));
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'munich' AND tenant_article_id = 'rr';
SELECT pg_temp.mark('rr');
SELECT is(waitroom.reroute(pg_temp.order_of('RR-1'))->'routingPlans'->0->>'status', 'ROUTED', '§2 reroute retries a NOT_ROUTABLE plan, returns the order');
SELECT is(pg_temp.events_since('rr'),
          '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', '§5 reroute: ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');

-- the stock trigger: on_hand rise, insert, release of reserved
SELECT pg_temp.offer('munich', 't-1', 0, 'BACKORDER');
SELECT pg_temp.place('T-1', pg_temp.one_line('t-1', 2));
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'munich' AND tenant_article_id = 't-1';
SELECT is(pg_temp.plan_picks('T-1'), 'ROUTED@munich{t-1:2(2+0)}', '§4 a rise of on_hand routes the waiting plan');
SELECT pg_temp.offer('dachau', 't-2', NULL, 'BACKORDER');
SELECT pg_temp.place('T-2', pg_temp.one_line('t-2', 3));
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('dachau', 't-2', 3);
SELECT is(pg_temp.plan_picks('T-2'), 'ROUTED@dachau{t-2:3(3+0)}', '§4 an insert of stock routes the waiting plan');
SELECT is(pg_temp.reserved('dachau', 't-2'), 3, '§4 and reserves');
SELECT pg_temp.offer('munich', 't-3', 2, 'BACKORDER');
SELECT pg_temp.place('T-3a', pg_temp.one_line('t-3', 2));
SELECT pg_temp.place('T-3b', pg_temp.one_line('t-3', 2));
SELECT is(pg_temp.plan_picks('T-3b'), 'WAITING@-{t-3:2}', 'T-3b waits behind T-3a''s reservation');
SELECT pg_temp.mark('t3');
SELECT waitroom.cancel_order(pg_temp.order_of('T-3a'));
SELECT is(pg_temp.plan_picks('T-3b'), 'ROUTED@munich{t-3:2(2+0)}', '§4 cancelling releases reservations, which serve waiting plans at once');
SELECT is(pg_temp.events_since('t3'),
          '{ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          '§5 cancel: ORDER_CANCELLED, ROUTING_PLAN_CANCELLED, PICK_JOB_CANCELLED');
SELECT pg_temp.offer('munich', 'pc', 3, 'BACKORDER');
SELECT pg_temp.place('PC-a', pg_temp.one_line('pc', 3));
SELECT pg_temp.place('PC-b', pg_temp.one_line('pc', 1));
SELECT waitroom.cancel_order(pg_temp.order_of('PC-a'), '[{"lineId": "1", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('PC-a') || ' ' || pg_temp.plan_picks('PC-b'), 'ROUTED@munich{pc:2(2+0)} ROUTED@munich{pc:1(1+0)}',
          '§4 a partial cancel releases its reservation, which serves a waiting plan at once');
-- served part routed, the rest keeps waiting under the plan's id
SELECT pg_temp.offer('munich', 't-4a', 0, 'BACKORDER'); SELECT pg_temp.offer('munich', 't-4b', 0, 'BACKORDER');
SELECT pg_temp.place('T-4', '[{"tenantArticleId": "t-4a", "quantity": 1}, {"tenantArticleId": "t-4b", "quantity": 1}]');
CREATE TEMP TABLE t4 AS SELECT pg_temp.plan_of('T-4', 'WAITING') AS id;
SELECT pg_temp.mark('t4');
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'munich' AND tenant_article_id = 't-4a';
SELECT is(pg_temp.plan_picks('T-4'), 'ROUTED@munich{t-4a:1(1+0)} WAITING@-{t-4b:1}', '§4 split active: the served part is routed, the rest waits');
SELECT is(pg_temp.plan_of('T-4', 'WAITING'), (SELECT id FROM t4), '§3.7 the part that stays WAITING keeps the plan''s id');
SELECT ok(pg_temp.routed_are_children('T-4'), '§3.7 the routed part is a child plan of it');
SELECT is(pg_temp.events_since('t4'),
          '{ROUTING_PLAN_SPLITTED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_WAITING}',
          '§5 a waiting plan split by a restock: ROUTING_PLAN_SPLITTED, ROUTING_PLAN_ROUTED, PICK_JOB_CREATED');
-- listing and facility changes
SELECT pg_temp.offer('munich', 'l-1', 0, 'BACKORDER'); SELECT pg_temp.offer('dachau', 'l-1', 5, status => 'INACTIVE');
SELECT pg_temp.place('L-1', pg_temp.one_line('l-1', 1));
UPDATE waitroom.listing SET status = 'ACTIVE' WHERE facility_ref = 'dachau' AND tenant_article_id = 'l-1';
SELECT is(pg_temp.plan_picks('L-1'), 'ROUTED@dachau{l-1:1(1+0)}', '§4 a listing becoming ACTIVE re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-2', 0, 'BACKORDER'); SELECT pg_temp.offer('later', 'l-2', 5);
SELECT pg_temp.place('L-2', pg_temp.one_line('l-2', 1));
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = 'later';
SELECT is(pg_temp.plan_picks('L-2'), 'ROUTED@later{l-2:1(1+0)}', '§4 a facility going ONLINE re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-3', 4, 'PREORDER', preorder_from => '2099-01-01');
SELECT pg_temp.place('L-3', pg_temp.one_line('l-3', 1));
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 day' WHERE tenant_article_id = 'l-3';
SELECT is(pg_temp.plan_picks('L-3'), 'ROUTED@munich{l-3:1(1+0)}', '§4 a pre-order time moved into the past re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-4', 3, 'PREORDER', preorder_from => '2099-01-01');
SELECT pg_temp.place('L-4', pg_temp.one_line('l-4', 1));
UPDATE waitroom.listing SET out_of_stock_behaviour = 'NONE', preorder_available_from = NULL WHERE tenant_article_id = 'l-4';
SELECT is(pg_temp.plan_picks('L-4'), 'ROUTED@munich{l-4:1(1+0)}', '§4 a listing behaviour change re-routes waiting plans');
SELECT pg_temp.offer('munich', 'l-5', 0);
SELECT pg_temp.place('L-5', pg_temp.one_line('l-5', 1));
UPDATE waitroom.listing SET out_of_stock_behaviour = 'BACKORDER' WHERE tenant_article_id = 'l-5';
UPDATE waitroom.stock SET on_hand = 3 WHERE tenant_article_id = 'l-5';
SELECT is(pg_temp.plan_picks('L-5'), 'NOT_ROUTABLE@-{l-5:1}', '§4 NOT_ROUTABLE plans are not retried by listing or stock changes');
-- available = max(on_hand - reserved, 0)
SELECT pg_temp.offer('munich', 'av', 1, 'BACKORDER');
SELECT pg_temp.place('AV-1', pg_temp.one_line('av', 4));
SELECT waitroom.assign_facility(pg_temp.plan_of('AV-1', 'WAITING'), 'munich');
SELECT pg_temp.place('AV-2', pg_temp.one_line('av', 1));
UPDATE waitroom.stock SET on_hand = 3 WHERE facility_ref = 'munich' AND tenant_article_id = 'av';
SELECT is(pg_temp.plan_picks('AV-2'), 'WAITING@-{av:1}', '§3 available is max(on_hand - reserved, 0): 3 on hand, 4 reserved, nothing for AV-2');
UPDATE waitroom.stock SET on_hand = 5 WHERE facility_ref = 'munich' AND tenant_article_id = 'av';
SELECT is(pg_temp.plan_picks('AV-2'), 'ROUTED@munich{av:1(1+0)}', '§4 ... and 5 on hand serves it');
-- the cap counts the routed plans of one routing decision
UPDATE waitroom.routing_strategy SET max_split_count = 1;
SELECT pg_temp.offer('munich', 'cap-a', 1); SELECT pg_temp.offer('dachau', 'cap-b', NULL, 'BACKORDER');
SELECT pg_temp.place('CAP-1', '[{"tenantArticleId": "cap-a", "quantity": 1}, {"tenantArticleId": "cap-b", "quantity": 1}]');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('dachau', 'cap-b', 1);
SELECT is(pg_temp.plan_picks('CAP-1'), 'ROUTED@dachau{cap-b:1(1+0)} ROUTED@munich{cap-a:1(1+0)}',
          '§3.2 max_split_count counts per routing decision: a second decision may route another plan');
UPDATE waitroom.routing_strategy SET max_split_count = 3;
-- split off: a waiting plan partly servable keeps waiting whole
UPDATE waitroom.routing_strategy SET order_split_active = false;
SELECT pg_temp.offer('munich', 'sw-a', NULL, 'BACKORDER'); SELECT pg_temp.offer('munich', 'sw-b', NULL, 'BACKORDER');
SELECT pg_temp.place('SW-1', '[{"tenantArticleId": "sw-a", "quantity": 1}, {"tenantArticleId": "sw-b", "quantity": 1}]');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'sw-a', 1);
SELECT is(pg_temp.plan_picks('SW-1'), 'WAITING@-{sw-a:1,sw-b:1}', '§4 split not active: a re-routed waiting plan with one unit short keeps waiting whole');
UPDATE waitroom.routing_strategy SET order_split_active = true;
SELECT waitroom.cancel_order(pg_temp.order_of('SW-1'));

-- pre-orders and release_due
SELECT pg_temp.offer('munich', 'pre', 5, 'PREORDER', preorder_from => '2099-01-01T00:00:00Z');
SELECT pg_temp.place('PRE-1', pg_temp.one_line('pre', 2));
SELECT is(pg_temp.plan_picks('PRE-1'), 'WAITING@-{pre:2}', '§3 a PREORDER listing not yet released counts 0 available: the order waits');
SELECT is((SELECT reason || ' ' || preorder_available_from FROM waitroom.waiting_room WHERE tenant_article_id = 'pre'),
          'PREORDER_NOT_RELEASED ' || '2099-01-01T00:00:00Z'::timestamptz, '§1 waiting_room: PREORDER_NOT_RELEASED with preorder_available_from');
SELECT is(waitroom.release_due('2098-12-31T00:00:00Z'), 0, '§2 release_due before the time: nothing changes');
SELECT is(waitroom.release_due('2099-01-01T00:00:01Z'), 1, '§2 release_due at the time: 1 plan changed');
SELECT is(pg_temp.plan_picks('PRE-1'), 'ROUTED@munich{pre:2(2+0)}', '§4 the released pre-order is routed');

-- priorities
SELECT pg_temp.offer('munich', 'q1', NULL, 'BACKORDER');
SELECT pg_temp.place('FF-old', pg_temp.one_line('q1', 5), '{"orderDate": "2026-01-01T00:00:00Z"}');
SELECT pg_temp.place('FF-new', pg_temp.one_line('q1', 2), '{"orderDate": "2026-01-02T00:00:00Z"}');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q1', 3);
SELECT is(pg_temp.plan_picks('FF-old') || ' ' || pg_temp.plan_picks('FF-new'), 'WAITING@-{q1:5} ROUTED@munich{q1:2(2+0)}',
          '§4 FIFO: the unserved older plan is skipped, a later one takes the stock (first fit)');
SELECT pg_temp.offer('munich', 'q2', NULL, 'BACKORDER');
SELECT pg_temp.place('F2-late', pg_temp.one_line('q2', 2), '{"orderDate": "2026-02-02T00:00:00Z"}');
SELECT pg_temp.place('F2-early', pg_temp.one_line('q2', 2), '{"orderDate": "2026-02-01T00:00:00Z"}');
SELECT is(pg_temp.queue('q2'), 'F2-early#1:BACKORDER_NO_STOCK F2-late#2:BACKORDER_NO_STOCK', '§1 queue_position follows order_date (FIFO)');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q2', 2);
SELECT is(pg_temp.plan_picks('F2-early') || ' ' || pg_temp.plan_picks('F2-late'), 'ROUTED@munich{q2:2(2+0)} WAITING@-{q2:2}',
          '§4 FIFO: oldest order_date first (not the order of placing)');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
SELECT pg_temp.offer('munich', 'q3', NULL, 'BACKORDER');
SELECT pg_temp.place('SF-old', pg_temp.one_line('q3', 5), '{"orderDate": "2026-03-01T00:00:00Z"}');
SELECT pg_temp.place('SF-new', pg_temp.one_line('q3', 2), '{"orderDate": "2026-03-02T00:00:00Z"}');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q3', 3);
SELECT is(pg_temp.plan_picks('SF-old') || ' ' || pg_temp.plan_picks('SF-new'), 'WAITING@-{q3:5} WAITING@-{q3:2}',
          '§4 STRICT_FIFO: a later plan does not take stock an earlier unserved plan needs');
SELECT pg_temp.place('SF-newer', pg_temp.one_line('q3', 1), '{"orderDate": "2026-03-03T00:00:00Z"}');
SELECT is(pg_temp.plan_picks('SF-newer'), 'WAITING@-{q3:1}', '§4 STRICT_FIFO applies to new orders too');
SELECT is(pg_temp.queue('q3'), 'SF-old#1:BACKORDER_NO_STOCK SF-new#2:QUEUED_BEHIND_EARLIER_ORDERS SF-newer#3:QUEUED_BEHIND_EARLIER_ORDERS',
          '§1 waiting_room: QUEUED_BEHIND_EARLIER_ORDERS under STRICT_FIFO, queue positions 1..3');
UPDATE waitroom.stock SET on_hand = 7 WHERE facility_ref = 'munich' AND tenant_article_id = 'q3';
SELECT is(pg_temp.plan_picks('SF-old') || ' ' || pg_temp.plan_picks('SF-new') || ' ' || pg_temp.plan_picks('SF-newer'),
          'ROUTED@munich{q3:5(5+0)} ROUTED@munich{q3:2(2+0)} WAITING@-{q3:1}', '§4 STRICT_FIFO: served in order, as far as stock goes');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SELECT pg_temp.offer('munich', 'q4', NULL, 'BACKORDER');
SELECT pg_temp.place('PR-low', pg_temp.one_line('q4', 2), '{"orderDate": "2026-04-01T00:00:00Z", "priority": 0}');
SELECT pg_temp.place('PR-high', pg_temp.one_line('q4', 2), '{"orderDate": "2026-04-02T00:00:00Z", "priority": 5}');
SELECT is(pg_temp.queue('q4'), 'PR-high#1:BACKORDER_NO_STOCK PR-low#2:BACKORDER_NO_STOCK', '§1 queue_position under PRIORITY');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'q4', 2);
SELECT is(pg_temp.plan_picks('PR-high') || ' ' || pg_temp.plan_picks('PR-low'), 'ROUTED@munich{q4:2(2+0)} WAITING@-{q4:2}',
          '§4 PRIORITY: higher priority first');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';

-- manual actions
SELECT pg_temp.offer('munich', 'ma', NULL, 'BACKORDER');
SELECT pg_temp.place('MA-1', pg_temp.one_line('ma', 3));
SELECT is(waitroom.assign_facility(pg_temp.plan_of('MA-1', 'WAITING'), 'off')->'routingPlans'->0->>'facilityRef', 'off',
          '§4 assign_facility to an OFFLINE facility is allowed, returns the order');
SELECT is((SELECT status || ':' || run_type FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('MA-1')),
          'ROUTED:MANUAL_ASSIGNMENT', '§4 the assigned plan is ROUTED, run_type MANUAL_ASSIGNMENT');
SELECT is((SELECT on_hand || '/' || reserved FROM waitroom.stock WHERE facility_ref = 'off' AND tenant_article_id = 'ma'),
          '0/3', '§1 assign reserves 3 at a facility without a stock row: row created with on_hand 0');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L)', pg_temp.plan_of('MA-1', 'ROUTED'), 'munich')),
            '55000:%', '§4 assign_facility of a ROUTED plan: 55000');
-- partial assign, then partial cancel: waiting part first, then picked
SELECT pg_temp.offer('munich', 'pa', NULL, 'BACKORDER');
SELECT pg_temp.place('PA-1', pg_temp.one_line('pa', 5));
CREATE TEMP TABLE pa AS SELECT pg_temp.plan_of('PA-1', 'WAITING') AS id;
SELECT waitroom.assign_facility((SELECT id FROM pa), 'dachau', '[{"lineId": "1", "quantity": 2}]');
SELECT is(pg_temp.plan_picks('PA-1'), 'ROUTED@dachau{pa:2(2+0)} WAITING@-{pa:3}', '§2 partial assign splits that part off and assigns only it');
SELECT ok(pg_temp.plan_of('PA-1', 'WAITING') = (SELECT id FROM pa) AND pg_temp.routed_are_children('PA-1'),
          '§3.7 the waiting part keeps the id, the assigned part is its child');
SELECT pg_temp.mark('pa');
SELECT is(waitroom.cancel_order(pg_temp.order_of('PA-1'), '[{"lineId": "1", "quantity": 4}]')->>'status', 'OPEN',
          '§2 partial cancel returns the order, still OPEN');
SELECT is(pg_temp.line_state('PA-1') || ' reserved=' || pg_temp.reserved('dachau', 'pa'), '1:1/0/0/0/4 reserved=1',
          '§4 partial cancel of 4: the 3 waiting first, then 1 picked; reservation shrinks');
SELECT is(pg_temp.events_since('pa'),
          '{ROUTING_PLAN_CANCELLED,ORDER_LINES_CANCELLED}', '§5 partial cancel: ORDER_LINES_CANCELLED');
-- short before picked
SELECT pg_temp.offer('munich', 'sc', 2);
SELECT pg_temp.place('SC-1', pg_temp.one_line('sc', 5));
SELECT waitroom.cancel_order(pg_temp.order_of('SC-1'), '[{"lineId": "1", "quantity": 3}]');
SELECT is(pg_temp.line_state('SC-1'), '1:2/0/0/0/3', '§4 partial cancel takes the short part before the picked part');
SELECT is(pg_temp.reserved('munich', 'sc'), 2, '§4 ... and keeps the picked reservation');
SELECT is((SELECT coalesce(sub_status, 'none') FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('SC-1')), 'none',
          '§1 with no line short any more, the pick job is no longer SHORT_PICKED');
-- not routable before picked; cancelling every line cancels the order
SELECT pg_temp.offer('munich', 'nc', 0);
SELECT pg_temp.place('NC-1', '[{"tenantArticleId": "nc", "quantity": 4}, {"tenantArticleId": "in-1", "quantity": 1}]');
SELECT waitroom.assign_facility(pg_temp.plan_of('NC-1', 'NOT_ROUTABLE'), 'munich', '[{"lineId": "1", "quantity": 1}]');
SELECT waitroom.cancel_order(pg_temp.order_of('NC-1'), '[{"lineId": "1", "quantity": 3}]');
SELECT is(pg_temp.line_state('NC-1'), '1:1/0/0/0/3 2:1/0/0/0/0',
          '§4 partial cancel takes the not routable part before the picked part');
SELECT is(waitroom.cancel_order(pg_temp.order_of('NC-1'), '[{"lineId": "1", "quantity": 1}, {"lineId": "2", "quantity": 1}]')->>'status',
          'CANCELLED', '§4 cancelling every line cancels the order');
SELECT is((SELECT count(*) FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('NC-1') AND status = 'OPEN')
          || '/' || pg_temp.reserved('munich', 'nc'), '0/0', '§2 ... its pick jobs cancelled, reservations released');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L)', pg_temp.order_of('NC-1'))), '55000:%', '§6 cancel a cancelled order: 55000');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.reroute(%L)', pg_temp.order_of('NC-1'))), '55000:%', '§4 reroute of a cancelled order: 55000');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L)',
                               (SELECT routing_plan_id FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('NC-1') LIMIT 1), 'munich')),
            '55000:%', '§6 assign a cancelled plan: 55000');
-- a partial assignment may not split a bundle
SELECT pg_temp.offer('munich', 'bd', NULL, 'BACKORDER');
SELECT pg_temp.place('BD-1', '[{"tenantArticleId": "bd", "quantity": 2, "bundleRef": "K"}, {"tenantArticleId": "bd", "quantity": 1, "bundleRef": "K"},
                            {"tenantArticleId": "bd", "quantity": 1}]');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.plan_of('BD-1', 'WAITING'), 'dachau',
                               '[{"lineId": "1", "quantity": 2}]')),
            '22023:%', '§4 a partial assignment splitting a bundle: 22023');
SELECT alike(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.plan_of('BD-1', 'WAITING'), 'dachau',
                               '[{"lineId": "1", "quantity": 1}]')),
            '22023:%', '§4 ... also when it takes part of a bundle line''s quantity');
SELECT waitroom.assign_facility(pg_temp.plan_of('BD-1', 'WAITING'), 'dachau', '[{"lineId": "1", "quantity": 2}, {"lineId": "2", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('BD-1'), 'ROUTED@dachau{bd:2(2+0),bd:1(1+0)} WAITING@-{bd:1}', '§4 a partial assignment of a whole bundle is allowed');

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

-- ================================================================ §4 invariants over everything above
SELECT is((SELECT count(*) FROM waitroom.stock s
             FULL JOIN (SELECT j.facility_ref, pl.tenant_article_id, sum(pl.quantity) AS q
                          FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (pick_job_id)
                         WHERE j.status = 'OPEN' GROUP BY 1, 2) p USING (facility_ref, tenant_article_id)
            WHERE coalesce(s.reserved, 0) <> coalesce(p.q, 0)), 0::bigint,
          '§4 reserved equals the open pick-line quantities at every stock row');
SELECT is((SELECT string_agg(o.tenant_order_id || '/' || ol.line_id, ' ')
             FROM waitroom.orders o JOIN waitroom.order_line ol USING (order_id)
            WHERE o.status = 'OPEN' AND o.tenant_order_id NOT IN ('PA-1', 'SC-1', 'PC-a')
              AND ol.quantity <> coalesce((SELECT sum(pl.quantity + pl.short_quantity) FROM waitroom.pick_line pl
                                             JOIN waitroom.pick_job j USING (pick_job_id)
                                            WHERE j.status = 'OPEN' AND j.order_id = o.order_id AND pl.line_id = ol.line_id), 0)
                                 + coalesce((SELECT sum(l.quantity) FROM waitroom.routing_plan_line l
                                             JOIN waitroom.routing_plan p USING (routing_plan_id)
                                            WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') AND p.order_id = o.order_id
                                              AND l.line_id = ol.line_id), 0)),
          NULL, '§4 nothing lost: picked + short + waiting/not routable = ordered (orders without cancels)');
SELECT is((SELECT count(*) FROM waitroom.routing_plan p
             LEFT JOIN waitroom.pick_job j ON j.routing_plan_id = p.routing_plan_id
            WHERE CASE p.status
                    WHEN 'ROUTED' THEN j.pick_job_id IS NULL OR j.status <> 'OPEN' OR j.facility_ref <> p.facility_ref
                                       OR j.order_id <> p.order_id
                    WHEN 'CANCELLED' THEN j.status = 'OPEN'
                    ELSE j.pick_job_id IS NOT NULL OR p.facility_ref IS NOT NULL END),
          0::bigint, '§1 every ROUTED plan has one OPEN pick job at its facility; WAITING / NOT_ROUTABLE plans none and no facility');
SELECT is((SELECT count(*) FROM waitroom.event WHERE jsonb_typeof(payload) <> 'object'), 0::bigint, '§5 every event has a payload object');
SELECT ok((SELECT body::jsonb ?& ARRAY['event', 'eventId', 'payload'] FROM waitroom.claim_deliveries(false, 'stdout', 1, 1) LIMIT 1),
          '§5 envelope {"event", "eventId", "payload"}');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
