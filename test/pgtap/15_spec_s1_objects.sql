-- SPEC.md §1: objects.
-- Clause by clause, from the outside: what an app or a DBA sees through plain SQL. One file
-- per SPEC section (15_spec_s1 ... s6), each with its own data; one article family per
-- scenario (the stock trigger and reroute_all act on every order of an article).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(22);

\ir lib/helpers.psql
\ir lib/spec_network.psql

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
SELECT col_is_pk('waitroom', 'listing', ARRAY['tenant_id', 'facility_ref', 'tenant_article_id'], '§1/§7 listing key');
SELECT col_is_pk('waitroom', 'order_line', ARRAY['tenant_id', 'order_id', 'line_id'], '§1/§7 order_line key');
SELECT col_is_unique('waitroom', 'pick_job', ARRAY['tenant_id', 'routing_plan_id'], '§1/§7 pick_job.routing_plan_id unique in its tenant');

-- routing_strategy: one row with the defaults
SELECT is((SELECT array_agg(row(complete_stock_fence_active, complete_stock_fence_mode, order_split_active, max_split_count,
                                use_waiting_room_for_pre_back_order_items, waiting_room_priority)::text)
             FROM waitroom.routing_strategy),
          ARRAY['(t,reactive,t,3,f,FIFO)'], '§1 routing_strategy: one row, defaults true/reactive/true/3/false/FIFO');


-- defaults of the network's rows (lib/spec_network.psql)
SELECT is((SELECT status || ':' || coalesce(lat::text, 'null') FROM waitroom.facility WHERE facility_ref = 'noloc'),
          'ONLINE:null', '§1 facility.status defaults to ONLINE, lat/lon nullable');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id) VALUES ('munich', 'dflt');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'dflt', 1);
SELECT is((SELECT l.status || ':' || l.out_of_stock_behaviour || ':' || s.reserved
             FROM waitroom.listing l JOIN waitroom.stock s USING (facility_ref, tenant_article_id)
            WHERE l.tenant_article_id = 'dflt'),
          'ACTIVE:NONE:0', '§1 listing defaults ACTIVE / NONE; an app''s stock row starts reserved 0');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
