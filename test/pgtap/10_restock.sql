BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(35);

-- helpers (pg_temp: gone with the transaction)
CREATE FUNCTION pg_temp.po(t text, d text, art text, q int, prio int DEFAULT 0) RETURNS uuid
LANGUAGE sql AS $$
  SELECT (waitroom.place_order(jsonb_build_object('tenantOrderId', t, 'orderDate', d, 'priority', prio,
          'orderLineItems', jsonb_build_array(jsonb_build_object('id', '1', 'tenantArticleId', art, 'quantity', q))))
          ->>'orderId')::uuid $$;
CREATE FUNCTION pg_temp.oid(t text) RETURNS uuid LANGUAGE sql AS $$
  SELECT order_id FROM waitroom.orders WHERE tenant_order_id = t ORDER BY created_at DESC, order_id LIMIT 1 $$;
-- the order's first plan (the one that keeps its id while waiting)
CREATE FUNCTION pg_temp.root(t text) RETURNS uuid LANGUAGE sql AS $$
  SELECT p.routing_plan_id FROM waitroom.routing_plan p
   WHERE p.order_id = pg_temp.oid(t) ORDER BY p.parent_routing_plan_id IS NOT NULL, p.plan_no LIMIT 1 $$;
-- every plan of the order: STATUS:facility[:RUN_TYPE unless WAITING][:child], in creation order
CREATE FUNCTION pg_temp.plans(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(p.status || ':' || coalesce(p.facility_ref, '-')
                    || CASE WHEN p.status = 'WAITING' THEN '' ELSE ':' || p.run_type END
                    || CASE WHEN p.parent_routing_plan_id IS NULL THEN '' ELSE ':child' END, ' ' ORDER BY p.plan_no)
    FROM waitroom.routing_plan p WHERE p.order_id = pg_temp.oid(t) $$;
-- every plan line with quantity > 0: STATUS/line=qty, in plan order
CREATE FUNCTION pg_temp.lines(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(p.status || '/' || l.line_id || '=' || l.quantity, ' ' ORDER BY p.plan_no, l.line_id)
    FROM waitroom.routing_plan p JOIN waitroom.routing_plan_line l USING (routing_plan_id)
   WHERE p.order_id = pg_temp.oid(t) AND l.quantity > 0 $$;
CREATE FUNCTION pg_temp.reserved(f text, a text) RETURNS int LANGUAGE sql AS $$
  SELECT reserved FROM waitroom.stock WHERE facility_ref = f AND tenant_article_id = a $$;
-- stock rows whose reserved is not the sum of open pick lines there (and pick lines without a stock row)
CREATE FUNCTION pg_temp.bad_reserved() RETURNS bigint LANGUAGE sql AS $$
  WITH open_lines AS (
      SELECT pl.facility_ref, pl.tenant_article_id, sum(pl.quantity) AS q
        FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (pick_job_id)
       WHERE j.status = 'OPEN' GROUP BY 1, 2)
  SELECT count(*) FROM waitroom.stock s
    FULL JOIN open_lines o USING (facility_ref, tenant_article_id)
   WHERE coalesce(s.reserved, -1) <> coalesce(o.q, 0) $$;
-- order lines where picked + short + waiting/not routable + cancelled <> ordered
CREATE FUNCTION pg_temp.lost_lines() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM waitroom.order_line ol
   WHERE ol.quantity <> ol.cancelled_quantity
         + coalesce((SELECT sum(pl.quantity + pl.short_quantity)
                       FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (pick_job_id)
                      WHERE j.status = 'OPEN' AND j.order_id = ol.order_id AND pl.line_id = ol.line_id), 0)
         + coalesce((SELECT sum(l.quantity)
                       FROM waitroom.routing_plan_line l JOIN waitroom.routing_plan p USING (routing_plan_id)
                      WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') AND l.order_id = ol.order_id
                        AND l.line_id = ol.line_id), 0) $$;
CREATE TEMP TABLE mark (k text PRIMARY KEY, v bigint);
CREATE FUNCTION pg_temp.mark(k text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO mark VALUES (k, (SELECT coalesce(max(event_id), 0) FROM waitroom.event))
  ON CONFLICT (k) DO UPDATE SET v = excluded.v $$;
-- events since the mark: "EVENT,EVENT,..."
CREATE FUNCTION pg_temp.since(k text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(e.event, ',' ORDER BY e.event_id), '')
    FROM waitroom.event e WHERE e.event_id > (SELECT v FROM mark WHERE mark.k = since.k) $$;
CREATE FUNCTION pg_temp.pom(t text, d text, items jsonb, prio int DEFAULT 0) RETURNS uuid
LANGUAGE sql AS $$
  SELECT (waitroom.place_order(jsonb_build_object('tenantOrderId', t, 'orderDate', d, 'priority', prio,
          'orderLineItems', items))->>'orderId')::uuid $$;
-- waiting room queue of one article: "order#position:reason ..."
CREATE FUNCTION pg_temp.queue(a text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(w.tenant_order_id || '#' || w.queue_position || ':' || w.reason, ' '
                             ORDER BY w.queue_position), '')
    FROM waitroom.waiting_room w WHERE w.tenant_article_id = a $$;
-- the order's plans as a sorted set (independent of creation order)
CREATE FUNCTION pg_temp.plan_set(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(x, ' ' ORDER BY x) FROM (
    SELECT p.status || ':' || coalesce(p.facility_ref, '-')
           || CASE WHEN p.status = 'WAITING' THEN '' ELSE ':' || p.run_type END AS x
      FROM waitroom.routing_plan p WHERE p.order_id = pg_temp.oid(t)) s $$;
-- the order's line state, sorted: "line:picked/short/waiting/notroutable/cancelled"
CREATE FUNCTION pg_temp.line_state(t text) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(ol.line_id || ':' ||
         coalesce((SELECT sum(pl.quantity) FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (pick_job_id)
                    WHERE j.status = 'OPEN' AND j.order_id = ol.order_id AND pl.line_id = ol.line_id), 0) || '/' ||
         coalesce((SELECT sum(pl.short_quantity) FROM waitroom.pick_line pl JOIN waitroom.pick_job j USING (pick_job_id)
                    WHERE j.status = 'OPEN' AND j.order_id = ol.order_id AND pl.line_id = ol.line_id), 0) || '/' ||
         coalesce((SELECT sum(l.quantity) FROM waitroom.routing_plan_line l JOIN waitroom.routing_plan p USING (routing_plan_id)
                    WHERE p.status = 'WAITING' AND l.order_id = ol.order_id AND l.line_id = ol.line_id), 0) || '/' ||
         coalesce((SELECT sum(l.quantity) FROM waitroom.routing_plan_line l JOIN waitroom.routing_plan p USING (routing_plan_id)
                    WHERE p.status = 'NOT_ROUTABLE' AND l.order_id = ol.order_id AND l.line_id = ol.line_id), 0) || '/' ||
         ol.cancelled_quantity, ' ' ORDER BY ol.position)
    FROM waitroom.order_line ol WHERE ol.order_id = pg_temp.oid(t) $$;

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'sku-1', 'BACKORDER'), ('fb', 'sku-1', 'BACKORDER'),
  ('fa', 'sku-2', 'BACKORDER'), ('fa', 'sku-3', 'BACKORDER');
INSERT INTO waitroom.stock VALUES ('fa', 'sku-1', 0, 0), ('fa', 'sku-3', 0, 0);

-- ---------------------------------------------------------------- UPDATE on_hand
SELECT pg_temp.po('o1', '2026-01-01T10:00:00Z', 'sku-1', 2);
SELECT is(pg_temp.plans('o1'), 'WAITING:-', 'o1 waits: no stock anywhere, backorder listing');
SELECT is((SELECT reason FROM waitroom.waiting_room WHERE order_id = pg_temp.oid('o1')), 'BACKORDER_NO_STOCK',
          'o1 waits with reason BACKORDER_NO_STOCK');
CREATE TEMP TABLE o1_plan AS SELECT pg_temp.root('o1') AS id;
SELECT pg_temp.mark('restock1');
UPDATE waitroom.stock SET on_hand = 5 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.plans('o1'), 'ROUTED:fa:REACTIVATION', 'restock: o1 routed at fa by REACTIVATION, no extra plan');
SELECT is(pg_temp.root('o1'), (SELECT id FROM o1_plan), 'the waiting plan itself is routed (same id) when fully served');
SELECT is((SELECT string_agg(j.status || ':' || j.facility_ref || ':' || pl.line_id || '=' || pl.quantity || '/' || pl.short_quantity, ' ')
             FROM waitroom.pick_job j JOIN waitroom.pick_line pl USING (pick_job_id)
            WHERE j.routing_plan_id = (SELECT id FROM o1_plan)),
          'OPEN:fa:1=2/0', 'restock: pick job OPEN at fa with the line quantity 2');
SELECT is(pg_temp.reserved('fa', 'sku-1'), 2, 'restock: stock.reserved at fa/sku-1 = 2');
SELECT is(pg_temp.since('restock1'), 'ROUTING_PLAN_ROUTED,PICK_JOB_CREATED',
          'restock: events ROUTING_PLAN_ROUTED then PICK_JOB_CREATED, nothing else');
SELECT is((SELECT payload->>'routingPlanId' FROM waitroom.event
            WHERE event = 'ROUTING_PLAN_ROUTED' AND event_id > (SELECT v FROM mark WHERE k = 'restock1')),
          (SELECT id::text FROM o1_plan), 'ROUTING_PLAN_ROUTED names the routed plan');
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE order_id = pg_temp.oid('o1')), 0::bigint,
          'o1 left the waiting room');

-- ---------------------------------------------------------------- INSERT of a new stock row
SELECT pg_temp.po('o2', '2026-01-01T11:00:00Z', 'sku-2', 3);
SELECT is(pg_temp.plans('o2'), 'WAITING:-', 'o2 waits for sku-2 (no stock row at all)');
SELECT pg_temp.mark('insert1');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-2', 3);
SELECT is(pg_temp.plans('o2'), 'ROUTED:fa:REACTIVATION', 'INSERT of a stock row routes o2 at once');
SELECT is(pg_temp.reserved('fa', 'sku-2'), 3, 'INSERT: the new row is reserved 3');
SELECT is(pg_temp.since('insert1'), 'ROUTING_PLAN_ROUTED,PICK_JOB_CREATED', 'INSERT: routed + pick job events');

-- ---------------------------------------------------------------- release of reserved (cancel)
-- fa/sku-1: on_hand 5, reserved 2 -> 3 available; o3 wants 4
SELECT pg_temp.po('o3', '2026-01-01T12:00:00Z', 'sku-1', 4);
SELECT is(pg_temp.plans('o3'), 'WAITING:-', 'o3 waits: 3 available, 4 wanted');
SELECT pg_temp.mark('release1');
SELECT waitroom.cancel_order(pg_temp.oid('o1'));
SELECT is(pg_temp.plans('o3'), 'ROUTED:fa:REACTIVATION', 'cancel of o1 releases 2 and routes o3 in the same transaction');
SELECT is(pg_temp.reserved('fa', 'sku-1'), 4, 'after the release: reserved = o3''s 4 only');
SELECT is(pg_temp.since('release1'),
          'ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED',
          'release: o1''s cancel events, then o3 routed + pick job');

-- ---------------------------------------------------------------- nothing waiting: no event
SELECT pg_temp.mark('quiet');
UPDATE waitroom.stock SET on_hand = 50 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-3';
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'sku-3', 7);
UPDATE waitroom.stock SET on_hand = 9 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.since('quiet'), '', 'stock changes of articles with nothing waiting write no event');
SELECT is((SELECT count(*) FROM waitroom.routing_plan WHERE run_type = 'REACTIVATION'), 3::bigint,
          'and route nothing (still the 3 reactivations)');

-- a rise that is still not enough keeps the plan WAITING, with the same id
SELECT pg_temp.po('o4', '2026-01-01T13:00:00Z', 'sku-1', 20);
CREATE TEMP TABLE o4_plan AS SELECT pg_temp.root('o4') AS id;
UPDATE waitroom.stock SET on_hand = 10 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-1';
SELECT is(pg_temp.plans('o4'), 'WAITING:-', 'a restock too small for o4 leaves it WAITING, no new plan');
SELECT is(pg_temp.root('o4'), (SELECT id FROM o4_plan), 'o4 keeps its plan id');
-- restock at the other facility (fb has no stock row): o4 is served by fb alone
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'sku-1', 20);
SELECT is(pg_temp.plans('o4'), 'ROUTED:fb:REACTIVATION', 'restock of 20 at fb routes o4 at fb');
SELECT is(pg_temp.reserved('fb', 'sku-1'), 20, 'fb/sku-1 reserved 20');

-- restock where the facility can't serve: OFFLINE facility, INACTIVE listing
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('fo', 'OFFLINE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, status) VALUES
  ('fa', 'sku-5', 'BACKORDER', 'ACTIVE'), ('fo', 'sku-5', 'NONE', 'ACTIVE'), ('fb', 'sku-5', 'NONE', 'INACTIVE');
SELECT pg_temp.po('o5', '2026-01-01T14:00:00Z', 'sku-5', 1);
SELECT pg_temp.mark('offline');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fo', 'sku-5', 10), ('fb', 'sku-5', 10);
SELECT is(pg_temp.plans('o5'), 'WAITING:-', 'stock at an OFFLINE facility or behind an INACTIVE listing routes nothing');
SELECT is(pg_temp.since('offline'), '', 'and writes no event');
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'fa' AND tenant_article_id = 'sku-5';
SELECT is(pg_temp.plans('o5'), 'WAITING:-', 'UPDATE of a missing row changes nothing: still waiting');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'sku-5', 1);
SELECT is(pg_temp.plans('o5'), 'ROUTED:fa:REACTIVATION', 'stock at the ONLINE candidate fa routes o5');

-- ---------------------------------------------------------------- 500 rows, one UPDATE
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT 'fa', 'bulk-' || g, 'BACKORDER' FROM generate_series(1, 500) g;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT 'fa', 'bulk-' || g, 0 FROM generate_series(1, 500) g;
-- every 10th order wants 2, the others 1
SELECT count(pg_temp.po('b' || g, '2026-02-01T00:00:00Z', 'bulk-' || g, CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END))
  FROM generate_series(1, 500) g;
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE tenant_article_id LIKE 'bulk-%'), 500::bigint,
          '500 bulk orders wait');
SELECT pg_temp.mark('bulk');
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id LIKE 'bulk-%';
SELECT is((SELECT count(*) FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id)
            WHERE o.tenant_order_id LIKE 'b%' AND p.status = 'ROUTED' AND p.run_type = 'REACTIVATION'
              AND p.facility_ref = 'fa'),
          450::bigint, 'one UPDATE of 500 rows routes the 450 orders it can serve');
SELECT is((SELECT count(*) FROM waitroom.waiting_room WHERE tenant_article_id LIKE 'bulk-%'), 50::bigint,
          'the 50 orders wanting 2 still wait');
SELECT is((SELECT sum(reserved) FROM waitroom.stock WHERE tenant_article_id LIKE 'bulk-%'), 450::bigint,
          'bulk: 450 units reserved');
SELECT is((SELECT count(*) FROM waitroom.event
            WHERE event = 'PICK_JOB_CREATED' AND event_id > (SELECT v FROM mark WHERE k = 'bulk')),
          450::bigint, 'bulk: 450 PICK_JOB_CREATED events');
SELECT is((SELECT count(*) FROM waitroom.event
            WHERE event = 'ROUTING_PLAN_WAITING' AND event_id > (SELECT v FROM mark WHERE k = 'bulk')),
          0::bigint, 'bulk: no new ROUTING_PLAN_WAITING for the plans that still wait');

-- ---------------------------------------------------------------- invariants
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');

SELECT * FROM finish();
ROLLBACK;
