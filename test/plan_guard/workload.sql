-- Plan guard workload: calls every function of the waitroom schema, so that auto_explain
-- logs the plan of every statement they run (test/suites/25-plan-guard.sh checks the log and
-- pg_stat_user_functions). Run once per phase with -v phase=A|B (names are unique per phase).
-- Generic plans do not depend on values: the workload waits on and restocks its own few
-- articles (a restock serves a handful of plans, cheap to log) while the tables hold the
-- full load. Statements tagged /* guard-setup */ are this script's scaffolding, not
-- waitroom's: the checker skips their own plans (not the plans of what they fire).
\set ON_ERROR_STOP 1
\set QUIET 1
SET search_path = pg_catalog;
\set g 'g' :phase
\set w :phase '-w'

-- ------------------------------------------------------------- network: INSERT paths
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES (:'g', 'guard', 48.1, 9.1);
-- Four backorderable articles of this phase, listed at the new facility and two others.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT f, :'w' || k, 'BACKORDER'
  FROM unnest(ARRAY[:'g', 'f0001', 'f0002']) f, generate_series(1, 4) k;

-- ------------------------------------------------------------- place_order
-- Routed, 1 line.
SELECT r->>'orderId' AS routed1, r->'routingPlans'->0->>'routingPlanId' AS routed1_plan
  FROM waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-routed1', 'orderDate', '2026-11-22T10:00:00Z',
         'consumer', jsonb_build_object('lat', 52.5, 'lon', 13.4),
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('id', '1', 'tenantArticleId', 'a00003', 'quantity', 2)))) r \gset
-- The same body again: recognised as a retry.
SELECT waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-routed1', 'orderDate', '2026-11-22T10:00:00Z',
         'consumer', jsonb_build_object('lat', 52.5, 'lon', 13.4),
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('id', '1', 'tenantArticleId', 'a00003', 'quantity', 2)))) IS NOT NULL AS retried;
-- Routed, 3 lines with a bundle, no consumer location.
SELECT r->>'orderId' AS routed3
  FROM waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-routed3', 'priority', 2,
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('tenantArticleId', 'a00010', 'quantity', 1),
            jsonb_build_object('tenantArticleId', 'a00011', 'quantity', 1, 'bundleRef', 'b'),
            jsonb_build_object('tenantArticleId', 'a00012', 'quantity', 2, 'bundleRef', 'b')))) r \gset
-- Too much for one facility: split.
SELECT waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-split',
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('tenantArticleId', 'a00020', 'quantity', 38),
            jsonb_build_object('tenantArticleId', 'a00021', 'quantity', 39)))) IS NOT NULL AS split;
-- Not available anywhere, not backorderable: NOT_ROUTABLE (an article nobody lists).
SELECT waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-unroutable',
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('tenantArticleId', :'phase' || '-nowhere', 'quantity', 1)))) IS NOT NULL AS unroutable;
-- The twin taking the tenant last (SPEC §7), the tenant named: routed, then cancelled by its twin.
SELECT r->>'orderId' AS twin
  FROM waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-twin',
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('id', '1', 'tenantArticleId', 'a00013', 'quantity', 1))), 'default') r \gset
-- Waiting orders on this phase's articles: 1-2 lines each, 3 per article.
SELECT count(waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-wait' || i,
         'orderLineItems', CASE WHEN i % 2 = 0
             THEN jsonb_build_array(jsonb_build_object('tenantArticleId', :'w' || (1 + i % 4), 'quantity', 1),
                                    jsonb_build_object('tenantArticleId', :'w' || (1 + (i + 1) % 4), 'quantity', 1))
             ELSE jsonb_build_array(jsonb_build_object('tenantArticleId', :'w' || (1 + i % 4), 'quantity', 1 + i % 2))
         END))) AS waiting
  FROM generate_series(1, 12) i;
-- A routed part and a waiting part: an order with both.
SELECT r->>'orderId' AS mixed
  FROM waitroom.place_order(jsonb_build_object(
         'tenantOrderId', :'phase' || '-mixed',
         'orderLineItems', jsonb_build_array(
            jsonb_build_object('id', 'x', 'tenantArticleId', 'a00030', 'quantity', 1),
            jsonb_build_object('id', 'y', 'tenantArticleId', :'w' || 1, 'quantity', 2),
            jsonb_build_object('id', 'z', 'tenantArticleId', :'w' || 2, 'quantity', 2)))) r \gset

-- ------------------------------------------------------------- manual actions
/* guard-setup */ SELECT o.order_id AS wait_order, p.routing_plan_id AS wait_plan
  FROM waitroom.orders o JOIN waitroom.routing_plan p USING (order_id)
 WHERE o.tenant_order_id = :'phase' || '-wait2' \gset
SELECT waitroom.reroute(:'wait_order') IS NOT NULL AS rerouted;
SELECT waitroom.reroute(:'wait_order', 'default') IS NOT NULL AS rerouted_twin;
/* guard-setup */ SELECT o.order_id AS wait_order4, p.routing_plan_id AS wait_plan4
  FROM waitroom.orders o JOIN waitroom.routing_plan p USING (order_id)
 WHERE o.tenant_order_id = :'phase' || '-wait4' \gset
SELECT waitroom.assign_facility(:'wait_plan4', 'f0001', '[{"lineId": "1", "quantity": 1}]') IS NOT NULL AS assigned_part;
/* guard-setup */ SELECT p.routing_plan_id AS wait_plan6
  FROM waitroom.orders o JOIN waitroom.routing_plan p USING (order_id)
 WHERE o.tenant_order_id = :'phase' || '-wait6' \gset
SELECT waitroom.assign_facility(:'wait_plan6', :'g', NULL, 'default') IS NOT NULL AS assigned_whole;

-- ------------------------------------------------------------- cancels
SELECT waitroom.cancel_order(:'routed1') IS NOT NULL AS cancelled_whole;
SELECT waitroom.cancel_order(:'twin', NULL, 'default') IS NOT NULL AS cancelled_twin;
SELECT waitroom.cancel_order(:'routed3', '[{"lineId": "3", "quantity": 1}]') IS NOT NULL AS cancelled_part;
SELECT waitroom.cancel_order(:'mixed', '[{"lineId": "y", "quantity": 1}, {"lineId": "x", "quantity": 1}]') IS NOT NULL AS cancelled_mixed;
-- A loaded short-picked order (every 10th; these have 3 on line 1): takes the short part, then the picked part.
SELECT waitroom.cancel_order(order_id, '[{"lineId": "1", "quantity": 2}]') IS NOT NULL AS cancelled_short
  FROM waitroom.orders WHERE tenant_order_id = CASE :'phase' WHEN 'A' THEN 'R10' ELSE 'R40' END;
-- A loaded waiting order, whole.
SELECT waitroom.cancel_order(order_id) IS NOT NULL AS cancelled_waiting
  FROM waitroom.orders WHERE tenant_order_id = CASE :'phase' WHEN 'A' THEN 'W8' ELSE 'W12' END;

-- ------------------------------------------------------------- restocks
-- One row, nothing waiting.
UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE facility_ref = 'f0003' AND tenant_article_id = 'a00003';
-- One article everywhere (400 rows), nothing waiting.
UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE tenant_article_id = 'a00004';
-- A downward correction.
UPDATE waitroom.stock SET on_hand = on_hand - 1 WHERE facility_ref = 'f0004' AND tenant_article_id = 'a00005'
   AND on_hand > reserved;
-- INSERT with availability: serves waiting plans of article 1.
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES (:'g', :'w' || 1, 3);
-- COPY: serves article 2.
SELECT format('COPY waitroom.stock (facility_ref, tenant_article_id, on_hand) FROM PROGRAM %L',
              format('printf ''%s\t%s\t2\n%s\t%s\t0\n''', 'f0001', :'w' || 2, 'f0002', :'w' || 2)) \gexec
-- UPDATE of one row with waiting plans: serves article 3.
INSERT INTO waitroom.stock (facility_ref, tenant_article_id) VALUES (:'g', :'w' || 3) ON CONFLICT DO NOTHING;
UPDATE waitroom.stock SET on_hand = on_hand + 2 WHERE facility_ref = :'g' AND tenant_article_id = :'w' || 3;

-- ------------------------------------------------------------- listing and facility changes
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('f0002', :'w' || 4, 0)
    ON CONFLICT DO NOTHING;
-- Stock where the listing is inactive, then the listing comes back: serves article 4.
UPDATE waitroom.listing SET status = 'INACTIVE' WHERE facility_ref = 'f0001' AND tenant_article_id = :'w' || 4;
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'f0001' AND tenant_article_id = :'w' || 4;
UPDATE waitroom.listing SET status = 'ACTIVE' WHERE facility_ref = 'f0001' AND tenant_article_id = :'w' || 4;
-- The facility goes away and comes back.
UPDATE waitroom.facility SET status = 'SUSPENDED' WHERE facility_ref = :'g';
UPDATE waitroom.stock SET on_hand = on_hand + 1 WHERE facility_ref = :'g' AND tenant_article_id = :'w' || 1;
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = :'g';
-- A pre-order listing: stock that arrives before its time serves nothing; release_due then does.
UPDATE waitroom.listing SET out_of_stock_behaviour = 'PREORDER', preorder_available_from = '2030-01-01'
 WHERE facility_ref = 'f0002' AND tenant_article_id = :'w' || 4;
UPDATE waitroom.stock SET on_hand = on_hand + 3 WHERE facility_ref = 'f0002' AND tenant_article_id = :'w' || 4;
SELECT waitroom.release_due() AS released_now;
SELECT waitroom.release_due('2030-01-02') AS released;
SELECT waitroom.release_due('2030-01-03', 'default') AS released_twin;
-- Every tenant, each in its own transaction (80_distribute.sql): outside a transaction block.
CALL waitroom.release_due_all_tenants('2030-01-03');

-- ------------------------------------------------------------- the waiting room view
SELECT count(*) AS waiting_lines, count(reason) FROM waitroom.waiting_room WHERE tenant_article_id = :'w' || 1;
SELECT count(*) AS waiting_lines, count(reason), max(queue_position) FROM waitroom.waiting_room;


-- ------------------------------------------------------------- direct writes
-- Contract columns only: the internal ones are filled by _fill_internal_columns.
/* guard-setup */ SELECT gen_random_uuid() AS direct, gen_random_uuid() AS direct_plan, gen_random_uuid() AS direct_job \gset
INSERT INTO waitroom.orders (order_id, tenant_order_id) VALUES (:'direct', :'phase' || '-direct');
INSERT INTO waitroom.order_line (order_id, line_id, tenant_article_id, quantity)
VALUES (:'direct', '1', 'a00040', 1);
INSERT INTO waitroom.routing_plan (routing_plan_id, order_id, status, facility_ref)
VALUES (:'direct_plan', :'direct', 'ROUTED', 'f0001');
INSERT INTO waitroom.routing_plan_line (routing_plan_id, line_id, tenant_article_id, quantity)
VALUES (:'direct_plan', '1', 'a00040', 1);
INSERT INTO waitroom.pick_job (pick_job_id, routing_plan_id, order_id, facility_ref)
VALUES (:'direct_job', :'direct_plan', :'direct', 'f0001');
INSERT INTO waitroom.pick_line (pick_job_id, line_id, tenant_article_id, quantity)
VALUES (:'direct_job', '1', 'a00040', 1);

-- ------------------------------------------------------------- reroute_all
-- It re-routes every unrouted plan: the whole room is its work. The loaded room is hidden
-- for this call (rolled back) so that it tries this phase's few plans, not 20,000; its
-- statements are generic plans over the same tables, so they are the plans it runs anyway.
BEGIN;
SET LOCAL auto_explain.log_min_duration = -1;
/* guard-setup */ UPDATE waitroom.routing_plan SET status = 'CANCELLED'
 WHERE status IN ('WAITING', 'NOT_ROUTABLE')
   AND order_id NOT IN (SELECT order_id FROM waitroom.orders WHERE tenant_order_id LIKE :'phase' || '-%');
SET LOCAL auto_explain.log_min_duration = 0;
SELECT waitroom.reroute_all() AS rerouted_all;
SELECT waitroom.reroute_all('default') AS rerouted_all_twin;
-- Leaving STRICT_FIFO serves the whole waiting room too (strategy_changed).
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';
-- The DBA's whole-database check (README "Checking invariants"); quiet, it runs reroute_all.
SELECT count(*) FROM waitroom.check_invariants();
ROLLBACK;

-- ------------------------------------------------------------- outbox (waitroomd's API)
SELECT waitroom.set_outbox_retention('1 day') AS retention;
-- Claim, fail the first delivery (dead after one attempt), ack the rest; then the dead letter
-- is retried, fails again and is discarded.
BEGIN;
SELECT array_agg(subscription_id) AS subs, array_agg(event_id) AS evs, min(event_id) AS failing
  FROM waitroom.claim_deliveries(true, 'stdout', 64, 100) \gset
SELECT waitroom.fail_delivery('stdout', :failing, 'guard: refused', '1 minute', 1, 'plan-guard') AS state;
SELECT waitroom.ack_deliveries(:'subs', :'evs', 'plan-guard') AS acked;
COMMIT;
SELECT waitroom.retry_dead_letter('stdout', :failing) AS retried;
SELECT waitroom.fail_delivery('stdout', :failing, 'guard: refused', '1 minute', 1, 'plan-guard') AS state;
SELECT waitroom.discard_dead_letter('stdout', :failing) AS discarded;
SELECT * FROM waitroom.outbox_backlog(true, 'stdout');
SELECT * FROM waitroom.pending_delivery_tenants(true, 'stdout');
SELECT * FROM waitroom.stats_gauges();
SELECT waitroom.purge_delivered(NULL, 500) AS purged;
SELECT waitroom.purge_delivered(interval '20 days', 500) AS purged;
-- A DBA redelivers a range to a subscription, and backfills one made after the events
-- (52_redeliver.sql); ids purged above are skipped (missing_ok).
SELECT waitroom.redeliver('stdout', :failing, :failing + 50, missing_ok => true) AS redelivered;
INSERT INTO waitroom.subscription (subscription_id, url) VALUES ('guard_backfill', 'https://guard.example/');
SELECT waitroom.redeliver('guard_backfill', :failing, :failing + 50, missing_ok => true) AS backfilled;
DELETE FROM waitroom.subscription WHERE subscription_id = 'guard_backfill';
-- A pause holds the subscription's deliveries at infinity; the resume makes them due.
UPDATE waitroom.subscription SET active = false WHERE subscription_id = 'stdout';
UPDATE waitroom.subscription SET active = true WHERE subscription_id = 'stdout';
-- The DBA views of the outbox.
SELECT count(blocked_events), count(payload) FROM waitroom.dead_letter;
SELECT count(pending), count(oldest_pending_at) FROM waitroom.outbox_status;
-- The search_path suite's introspection (it runs no statement of its own on waitroom's tables).
SELECT count(*) FROM waitroom._routines_used('SELECT 1 = 1');
SELECT waitroom._record_routines();
SELECT count(*) FROM waitroom._recorded_routines();
-- The DBA's whole-database check, not quiet: without the lost wake-up test (a reroute_all).
SELECT count(*) FROM waitroom.check_invariants(false);
-- A strategy change that can serve nothing new (FIFO <-> PRIORITY) runs no pass.
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';
-- The DBA's view of waitroom's own locks (lock_protocol.cpp's tags, decoded from pg_locks).
SELECT count(*) FROM waitroom.lock_holders;
SELECT waitroom.article_lock_bucket('default', 'a-1') BETWEEN 0 AND 1023;
-- The DBA's and exporter's stats (70_stats.sql): polled every few seconds, so no whole-table read.
SELECT plans_waiting >= 0, plans_routed_estimate, oldest_waiting_age, deliveries_dead FROM waitroom.stats;
-- A DBA's explain of an order (36_explain.sql): the order's plans and logs by their keys.
SELECT waitroom.explain(o.order_id) IS NOT NULL FROM waitroom.orders o
 ORDER BY o.order_id LIMIT 3;
SELECT waitroom.explain(:'routed3', 'default') IS NOT NULL AS explained_twin;
-- An app's read of an order, both forms.
SELECT waitroom.order_json(:'routed3') IS NOT NULL AS order_json;
SELECT waitroom.order_json(:'routed3', 'default') IS NOT NULL AS order_json_twin;
-- waitroomd's metrics (72_metrics.sql): delivery latency of acknowledged events, and the lines
-- per reason, which reads the whole waiting room by design (polled rarely: contrib/README.md).
SELECT count(*) FROM unnest(waitroom.event_ages(ARRAY[:failing, :failing + 1]::bigint[]));
SELECT count(*) FROM waitroom.waiting_lines_by_reason();
-- waitroomd's dashboard (74_dashboard.sql), with the daemon's arguments: the tiles, oldest waits
-- and outbox every 2 s, the 12 largest queues and the newest 20,000 events every 20 s.
SELECT jsonb_array_length(waitroom.dashboard_summary()->'oldest') >= 0;
SELECT jsonb_array_length(waitroom.dashboard_queues(12, 20000)->'articles') >= 0;
