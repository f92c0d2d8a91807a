-- waitroom.stats (issue 12): one row a DBA or an exporter polls. Exact counts of the open work
-- (waiting and NOT_ROUTABLE plans, waiting lines, reroute_queue, pending and dead deliveries),
-- the oldest wait, and estimates of ROUTED and CANCELLED plans from the last ANALYZE.
-- Lines per reason: the README's GROUP BY on the waiting_room view.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(10);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref, name, status, lat, lon) VALUES
  ('st1', 'Stats one', 'ONLINE', 48.14, 11.58);
SELECT pg_temp.offer('st1', 'in', 9);
SELECT pg_temp.offer('st1', 'bo', 0, 'BACKORDER');
SELECT pg_temp.offer('st1', 'pre', 0, 'PREORDER', preorder_from => now() + interval '1 day');

-- Four ROUTED (two cancelled later), two waiting for stock (one with two lines), one
-- waiting for a pre-order, one NOT_ROUTABLE.
SELECT pg_temp.place('R-1', pg_temp.one_line('in', 1));
SELECT pg_temp.place('R-2', pg_temp.one_line('in', 1));
SELECT pg_temp.place('C-1', pg_temp.one_line('in', 1));
SELECT pg_temp.place('C-2', pg_temp.one_line('in', 1));
SELECT count(waitroom.cancel_order(pg_temp.order_of(t))) FROM unnest(ARRAY['C-1', 'C-2']) t;
SELECT pg_temp.place('W-1', pg_temp.one_line('bo', 2));
SELECT pg_temp.place('W-2', '[{"id": "1", "tenantArticleId": "bo", "quantity": 1},
                              {"id": "2", "tenantArticleId": "bo", "quantity": 3}]');
SELECT pg_temp.place('W-3', pg_temp.one_line('pre', 1));
SELECT pg_temp.place('N-1', pg_temp.one_line('nowhere', 1));

UPDATE waitroom.routing_plan p SET waiting_since = o.order_date - interval '2 hours'
  FROM waitroom.orders o
 WHERE o.order_id = p.order_id AND p.status = 'WAITING' AND o.tenant_order_id = 'W-2';
INSERT INTO waitroom.reroute_queue (tenant_article_id) VALUES ('bo'), ('bo'), ('in');
-- Known delivery states: every delivery delivered but three pending and one dead.
UPDATE waitroom.delivery SET state = 'delivered';
UPDATE waitroom.delivery SET state = 'pending'
 WHERE event_id IN (SELECT event_id FROM waitroom.delivery ORDER BY event_id LIMIT 3);
UPDATE waitroom.delivery SET state = 'dead'
 WHERE event_id = (SELECT max(event_id) FROM waitroom.delivery);

SELECT is((SELECT count(*) FROM waitroom.stats), 1::bigint, 'stats is one row');
SELECT is((SELECT (plans_waiting, plans_not_routable, waiting_lines)::text FROM waitroom.stats),
          '(3,1,4)', 'exact: 3 WAITING and 1 NOT_ROUTABLE plans, 4 waiting lines');
SELECT is((SELECT (reroute_queue_depth, deliveries_pending, deliveries_dead)::text FROM waitroom.stats),
          '(3,3,1)', 'exact: reroute_queue depth 3, 3 pending and 1 dead deliveries');
SELECT is((SELECT oldest_waiting_since FROM waitroom.stats),
          (SELECT o.order_date - interval '2 hours' FROM waitroom.orders o WHERE o.tenant_order_id = 'W-2'),
          'oldest_waiting_since: the earliest waiting_since of the WAITING plans');
SELECT is((SELECT oldest_waiting_age FROM waitroom.stats),
          (SELECT now() - (o.order_date - interval '2 hours') FROM waitroom.orders o WHERE o.tenant_order_id = 'W-2'),
          'oldest_waiting_age: now() minus it');
SELECT is((SELECT (plans_routed_estimate, plans_cancelled_estimate)::text FROM waitroom.stats),
          '(,)', 'before any ANALYZE there is no estimate (NULL, not 0)');

-- ANALYZE keeps a status among its most common values only if its sample saw it more than once.
ANALYZE waitroom.routing_plan;
SELECT is((SELECT (plans_routed_estimate, plans_cancelled_estimate)::text FROM waitroom.stats),
          '(2,2)', 'after ANALYZE: 2 ROUTED and 2 CANCELLED plans (estimates; exact on a small table)');

SELECT is((SELECT array_agg(reason || ':' || n ORDER BY reason)
             FROM (SELECT reason, count(*) AS n FROM waitroom.waiting_room GROUP BY reason) r),
          ARRAY['BACKORDER_NO_STOCK:3', 'PREORDER_NOT_RELEASED:1'],
          'the README''s waiting lines per reason (waiting_room view)');
-- Nothing waits: no oldest wait, counts 0.
SELECT count(waitroom.cancel_order(o.order_id)) FROM waitroom.orders o WHERE o.tenant_order_id IN ('W-1', 'W-2', 'W-3');
SELECT is((SELECT (plans_waiting, waiting_lines, oldest_waiting_since, oldest_waiting_age)::text
             FROM waitroom.stats),
          '(0,0,,)', 'nothing waits: counts 0, no oldest wait');

-- waitroomd's lines per reason reads the whole view: planned without JIT (72_metrics.sql).
SELECT ok('jit=off' = ANY (proconfig), 'waiting_lines_by_reason() runs without JIT')
  FROM pg_proc WHERE oid = 'waitroom.waiting_lines_by_reason()'::regprocedure;
SELECT * FROM finish();
ROLLBACK;
