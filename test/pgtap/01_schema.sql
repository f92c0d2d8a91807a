-- SPEC §1: every contract object exists, routing_strategy defaults, and direct writes with
-- values outside the rules fail on the tables' constraints (SPEC §6: 23514, 23503, 23505).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(126);

SELECT has_schema('waitroom', 'schema waitroom exists');

-- ---------------------------------------------------------------- tables and columns
SELECT has_table('waitroom', 'facility', 'table facility');
SELECT has_column('waitroom', 'facility', c, 'facility.' || c)
  FROM unnest(ARRAY['facility_ref', 'name', 'status', 'lat', 'lon']) c;
SELECT col_type_is('waitroom', 'facility', 'lat', 'double precision', 'facility.lat is double precision');
SELECT col_type_is('waitroom', 'facility', 'lon', 'double precision', 'facility.lon is double precision');
SELECT col_is_pk('waitroom', 'facility', ARRAY['tenant_id', 'facility_ref'],
                 'facility key is (tenant_id, facility_ref) (SPEC §7: tenant_id leads every key)');

SELECT has_table('waitroom', 'listing', 'table listing');
SELECT has_column('waitroom', 'listing', c, 'listing.' || c)
  FROM unnest(ARRAY['facility_ref', 'tenant_article_id', 'status', 'out_of_stock_behaviour',
                    'preorder_available_from']) c;
SELECT col_type_is('waitroom', 'listing', 'preorder_available_from', 'timestamp with time zone',
                   'listing.preorder_available_from is timestamptz');
SELECT col_is_pk('waitroom', 'listing', ARRAY['tenant_id', 'facility_ref', 'tenant_article_id'],
                 'listing key is (tenant_id, facility_ref, tenant_article_id)');

SELECT has_table('waitroom', 'stock', 'table stock');
SELECT has_column('waitroom', 'stock', c, 'stock.' || c)
  FROM unnest(ARRAY['facility_ref', 'tenant_article_id', 'on_hand', 'reserved']) c;
SELECT col_type_is('waitroom', 'stock', 'on_hand', 'integer', 'stock.on_hand is int');
SELECT col_type_is('waitroom', 'stock', 'reserved', 'integer', 'stock.reserved is int');
SELECT col_is_pk('waitroom', 'stock', ARRAY['tenant_id', 'facility_ref', 'tenant_article_id'],
                 'stock key is (tenant_id, facility_ref, tenant_article_id)');

SELECT has_table('waitroom', 'routing_strategy', 'table routing_strategy');
SELECT has_column('waitroom', 'routing_strategy', c, 'routing_strategy.' || c)
  FROM unnest(ARRAY['complete_stock_fence_active', 'complete_stock_fence_mode', 'order_split_active',
                    'max_split_count', 'use_waiting_room_for_pre_back_order_items',
                    'waiting_room_priority']) c;

SELECT has_table('waitroom', 'orders', 'table orders');
SELECT has_column('waitroom', 'orders', c, 'orders.' || c)
  FROM unnest(ARRAY['order_id', 'tenant_order_id', 'status', 'order_date', 'priority',
                    'consumer_lat', 'consumer_lon']) c;
SELECT col_type_is('waitroom', 'orders', 'order_id', 'uuid', 'orders.order_id is uuid');
SELECT col_is_pk('waitroom', 'orders', ARRAY['tenant_id', 'order_id'], 'orders key is (tenant_id, order_id)');

SELECT has_table('waitroom', 'order_line', 'table order_line');
SELECT has_column('waitroom', 'order_line', c, 'order_line.' || c)
  FROM unnest(ARRAY['order_id', 'line_id', 'tenant_article_id', 'quantity', 'bundle_ref']) c;
SELECT col_is_pk('waitroom', 'order_line', ARRAY['tenant_id', 'order_id', 'line_id'],
                 'order_line key is (tenant_id, order_id, line_id)');

SELECT has_table('waitroom', 'routing_plan', 'table routing_plan');
SELECT has_column('waitroom', 'routing_plan', c, 'routing_plan.' || c)
  FROM unnest(ARRAY['routing_plan_id', 'order_id', 'parent_routing_plan_id', 'status',
                    'facility_ref', 'run_type', 'waiting_since']) c;
SELECT col_is_pk('waitroom', 'routing_plan', ARRAY['tenant_id', 'routing_plan_id'],
                 'routing_plan key is (tenant_id, routing_plan_id)');

SELECT has_table('waitroom', 'routing_plan_line', 'table routing_plan_line');
SELECT has_column('waitroom', 'routing_plan_line', c, 'routing_plan_line.' || c)
  FROM unnest(ARRAY['routing_plan_id', 'line_id', 'tenant_article_id', 'quantity']) c;

SELECT has_table('waitroom', 'pick_job', 'table pick_job');
SELECT has_column('waitroom', 'pick_job', c, 'pick_job.' || c)
  FROM unnest(ARRAY['pick_job_id', 'routing_plan_id', 'order_id', 'facility_ref', 'status',
                    'sub_status']) c;
SELECT col_is_unique('waitroom', 'pick_job', ARRAY['tenant_id', 'routing_plan_id'], 'pick_job.routing_plan_id is unique in its tenant');

SELECT has_table('waitroom', 'pick_line', 'table pick_line');
SELECT has_column('waitroom', 'pick_line', c, 'pick_line.' || c)
  FROM unnest(ARRAY['pick_job_id', 'line_id', 'tenant_article_id', 'quantity', 'short_quantity']) c;

SELECT has_table('waitroom', 'event', 'table event');
SELECT has_column('waitroom', 'event', c, 'event.' || c)
  FROM unnest(ARRAY['event_id', 'event', 'payload', 'created_at']) c;
SELECT col_type_is('waitroom', 'event', 'payload', 'jsonb', 'event.payload is jsonb');

SELECT has_view('waitroom', 'waiting_room', 'view waiting_room');
SELECT has_column('waitroom', 'waiting_room', c, 'waiting_room.' || c)
  FROM unnest(ARRAY['order_id', 'tenant_order_id', 'routing_plan_id', 'tenant_article_id',
                    'quantity', 'reason', 'waiting_since', 'preorder_available_from',
                    'queue_position']) c;

-- ---------------------------------------------------------------- defaults
SELECT results_eq(
  $$SELECT complete_stock_fence_active, complete_stock_fence_mode, order_split_active,
           max_split_count, use_waiting_room_for_pre_back_order_items, waiting_room_priority
      FROM waitroom.routing_strategy$$,
  $$VALUES (true, 'reactive'::text, true, 3, false, 'FIFO'::text)$$,
  'routing_strategy: exactly one row with the SPEC defaults');

INSERT INTO waitroom.facility (facility_ref, name) VALUES ('f1', 'One');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('f1', 'sku');
INSERT INTO waitroom.orders (tenant_order_id) VALUES ('T-1');
SELECT is((SELECT status FROM waitroom.facility WHERE facility_ref = 'f1'), 'ONLINE', 'facility.status defaults to ONLINE');
SELECT results_eq(
  $$SELECT status, out_of_stock_behaviour, preorder_available_from IS NULL FROM waitroom.listing$$,
  $$VALUES ('ACTIVE'::text, 'NONE'::text, true)$$,
  'listing defaults: ACTIVE, NONE, no pre-order time');
SELECT results_eq(
  $$SELECT status, priority, order_id IS NOT NULL FROM waitroom.orders WHERE tenant_order_id = 'T-1'$$,
  $$VALUES ('OPEN'::text, 0, true)$$,
  'orders defaults: OPEN, priority 0, an order_id is generated');

-- ---------------------------------------------------------------- check constraints (23514)
SELECT throws_ok($$INSERT INTO waitroom.facility (facility_ref, status) VALUES ('f2', 'CLOSED')$$,
                 '23514', NULL, 'facility.status outside ONLINE/SUSPENDED/OFFLINE: 23514');
SELECT throws_ok($$UPDATE waitroom.facility SET status = 'online' WHERE facility_ref = 'f1'$$,
                 '23514', NULL, 'facility.status is case-sensitive: 23514');
SELECT throws_ok($$INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f1', 'sku', -1)$$,
                 '23514', NULL, 'negative stock.on_hand: 23514');
SELECT throws_ok($$INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand, reserved) VALUES ('f1', 'sku', 1, -1)$$,
                 '23514', NULL, 'negative stock.reserved: 23514');
SELECT throws_ok($$INSERT INTO waitroom.order_line (order_id, line_id, position, tenant_article_id, quantity)
                   SELECT order_id, '1', 1, 'sku', 0 FROM waitroom.orders WHERE tenant_order_id = 'T-1'$$,
                 '23514', NULL, 'order_line.quantity 0: 23514');
SELECT throws_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('f1', 'sku2', 'SOMETIMES')$$,
                 '23514', NULL, 'listing.out_of_stock_behaviour outside NONE/BACKORDER/PREORDER: 23514');
SELECT throws_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status) VALUES ('f1', 'sku2', 'ENABLED')$$,
                 '23514', NULL, 'listing.status outside ACTIVE/INACTIVE: 23514');
SELECT throws_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES ('f1', 'sku2', 'PREORDER')$$,
                 '23514', NULL, 'PREORDER listing without preorder_available_from: 23514');
SELECT throws_ok($$UPDATE waitroom.listing SET out_of_stock_behaviour = 'PREORDER' WHERE facility_ref = 'f1'$$,
                 '23514', NULL, 'switching a listing to PREORDER without a time: 23514');
SELECT lives_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
                  VALUES ('f1', 'sku3', 'PREORDER', '2030-01-01Z')$$,
                'PREORDER listing with a time is accepted');
SELECT throws_ok($$INSERT INTO waitroom.orders (tenant_order_id, status) VALUES ('T-2', 'DONE')$$,
                 '23514', NULL, 'orders.status outside OPEN/CANCELLED: 23514');
SELECT throws_ok($$UPDATE waitroom.routing_strategy SET complete_stock_fence_mode = 'eager'$$,
                 '23514', NULL, 'routing_strategy.complete_stock_fence_mode outside static/reactive: 23514');
SELECT throws_ok($$UPDATE waitroom.routing_strategy SET waiting_room_priority = 'LIFO'$$,
                 '23514', NULL, 'routing_strategy.waiting_room_priority outside FIFO/STRICT_FIFO/PRIORITY: 23514');

-- ---------------------------------------------------------------- foreign keys (23503)
SELECT throws_ok($$INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('nowhere', 'sku', 1)$$,
                 '23503', NULL, 'stock for an unknown facility: 23503');
SELECT throws_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('nowhere', 'sku')$$,
                 '23503', NULL, 'listing for an unknown facility: 23503');
SELECT throws_ok($$INSERT INTO waitroom.order_line (order_id, line_id, position, tenant_article_id, quantity)
                   VALUES ('00000000-0000-0000-0000-000000000001', '1', 1, 'sku', 1)$$,
                 '23503', NULL, 'order_line for an unknown order: 23503');

-- direct inserts naming only the contract columns: internal columns are filled in, so
-- the contract's constraints decide (not 23502 on a column SPEC does not name)
SELECT throws_ok($$INSERT INTO waitroom.order_line (order_id, line_id, tenant_article_id, quantity)
                   SELECT order_id, '9', 'sku', 0 FROM waitroom.orders WHERE tenant_order_id = 'T-1'$$,
                 '23514', NULL, 'order_line without position, quantity 0: 23514');
SELECT throws_ok($$INSERT INTO waitroom.order_line (order_id, line_id, tenant_article_id, quantity)
                   VALUES ('00000000-0000-0000-0000-000000000001', '1', 'sku', 1)$$,
                 '23503', NULL, 'order_line without position, unknown order: 23503');
INSERT INTO waitroom.order_line (order_id, line_id, tenant_article_id, quantity)
  SELECT order_id, 'd' || n, 'sku', 1 FROM waitroom.orders, generate_series(1, 2) n WHERE tenant_order_id = 'T-1';
SELECT results_eq($$SELECT line_id, position FROM waitroom.order_line l JOIN waitroom.orders o USING (order_id)
                     WHERE o.tenant_order_id = 'T-1' ORDER BY position$$,
                  $$VALUES ('d1'::text, 1), ('d2', 2)$$, 'order_line position is filled in order of insertion');
SELECT throws_ok($$INSERT INTO waitroom.routing_plan_line (routing_plan_id, line_id, tenant_article_id, quantity)
                   VALUES ('00000000-0000-0000-0000-000000000001', '1', 'sku', 1)$$,
                 '23503', NULL, 'routing_plan_line for an unknown plan: 23503');
SELECT throws_ok($$INSERT INTO waitroom.pick_line (pick_job_id, line_id, tenant_article_id, quantity)
                   VALUES ('00000000-0000-0000-0000-000000000001', '1', 'sku', 1)$$,
                 '23503', NULL, 'pick_line for an unknown pick job: 23503');

-- ---------------------------------------------------------------- unique (23505)
SELECT throws_ok($$INSERT INTO waitroom.facility (facility_ref) VALUES ('f1')$$,
                 '23505', NULL, 'duplicate facility_ref: 23505');
SELECT throws_ok($$INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('f1', 'sku')$$,
                 '23505', NULL, 'duplicate listing (facility_ref, tenant_article_id): 23505');
SELECT throws_ok($$INSERT INTO waitroom.orders (tenant_order_id) VALUES ('T-1')$$,
                 '23505', NULL, 'a second OPEN order with the same tenant_order_id: 23505');
UPDATE waitroom.orders SET status = 'CANCELLED' WHERE tenant_order_id = 'T-1';
SELECT lives_ok($$INSERT INTO waitroom.orders (tenant_order_id) VALUES ('T-1')$$,
                'a tenant_order_id whose order is CANCELLED can be used again');
SELECT throws_ok($$INSERT INTO waitroom.routing_strategy (max_split_count) VALUES (5)$$,
                 '23505', NULL, 'a second routing_strategy row fails: 23505');
SELECT is((SELECT count(*) FROM waitroom.routing_strategy), 1::bigint, 'still exactly one routing_strategy row');

-- Orders this file wrote directly (no routing, no event) are no part of the check.
DELETE FROM waitroom.orders o WHERE NOT EXISTS (SELECT FROM waitroom.event e WHERE e.order_id = o.order_id);
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
