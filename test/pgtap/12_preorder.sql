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
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from) VALUES
  ('fa', 'pre-1', 'PREORDER', '2030-01-01T00:00:00Z'),
  ('fa', 'pre-2', 'PREORDER', '2030-01-01T00:00:00Z'),
  ('fa', 'pre-3', 'PREORDER', '2030-06-01T00:00:00Z'),
  ('fa', 'pre-4', 'PREORDER', now() + interval '1 hour'),
  ('fa', 'pre-5', 'PREORDER', now() + interval '1 hour'),
  ('fa', 'pre-6', 'PREORDER', now() + interval '1 hour');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'pre-1', 10), ('fa', 'pre-2', 10), ('fa', 'pre-3', 0), ('fa', 'pre-4', 10), ('fa', 'pre-5', 10),
  ('fa', 'pre-6', 10);

-- ---------------------------------------------------------------- waits although in stock
SELECT pg_temp.po('R-1', '2026-01-01T00:00:00Z', 'pre-1', 2);
SELECT pg_temp.po('R-2', '2026-01-02T00:00:00Z', 'pre-1', 3);
SELECT is(pg_temp.plans('R-1') || ' ' || pg_temp.plans('R-2'), 'WAITING:- WAITING:-',
          'pre-order not yet available: both orders wait although 10 are on hand');
SELECT is(pg_temp.queue('pre-1'), 'R-1#1:PREORDER_NOT_RELEASED R-2#2:PREORDER_NOT_RELEASED',
          'view: reason PREORDER_NOT_RELEASED, FIFO positions');
SELECT is((SELECT preorder_available_from FROM waitroom.waiting_room WHERE tenant_order_id = 'R-1'),
          '2030-01-01T00:00:00Z'::timestamptz, 'view: preorder_available_from is the listing''s time');
SELECT is(pg_temp.reserved('fa', 'pre-1'), 0, 'nothing reserved for a pending pre-order');

-- ---------------------------------------------------------------- release_due(at)
SELECT pg_temp.mark('early');
SELECT is(waitroom.release_due('2029-12-31T23:59:59Z'), 0, 'release_due before the time returns 0');
SELECT is(pg_temp.plans('R-1') || ' ' || pg_temp.plans('R-2'), 'WAITING:- WAITING:-', 'release_due before the time changes nothing');
SELECT is(pg_temp.since('early'), '', 'release_due before the time writes no event');
SELECT is(waitroom.release_due(), 0, 'release_due() defaults to now(): the 2030 pre-order is not due');
SELECT is(pg_temp.plans('R-1'), 'WAITING:-', 'release_due() leaves it waiting');

SELECT pg_temp.po('R-3', '2026-01-01T00:00:00Z', 'pre-2', 4);
SELECT pg_temp.mark('due');
SELECT is(waitroom.release_due('2030-01-01T00:00:01Z'), 3, 'release_due after the time returns the 3 plans it routed');
SELECT is(pg_temp.plans('R-1') || ' ' || pg_temp.plans('R-2') || ' ' || pg_temp.plans('R-3'),
          'ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION',
          'release_due after the time: all routed at fa');
SELECT is(pg_temp.reserved('fa', 'pre-1') || '/' || pg_temp.reserved('fa', 'pre-2'), '5/4', 'released pre-orders reserve their stock');
SELECT is(pg_temp.since('due'),
          'ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED',
          'release_due writes ROUTED + PICK_JOB_CREATED per plan');
SELECT is(waitroom.release_due('2030-01-01T00:00:01Z'), 0, 'a second release_due has nothing left to do');

-- due but no stock: stays waiting, not counted
SELECT pg_temp.po('R-4', '2026-01-01T00:00:00Z', 'pre-3', 1);
SELECT is(waitroom.release_due('2030-07-01T00:00:00Z'), 0, 'due pre-order without stock: release_due returns 0');
SELECT is(pg_temp.plans('R-4'), 'WAITING:-', 'due pre-order without stock keeps waiting');

-- release_due() with the default: the pre-order time has passed (listing trigger off, so only
-- release_due can notice)
SELECT pg_temp.po('R-5', '2026-01-01T00:00:00Z', 'pre-4', 1);
SELECT is(pg_temp.plans('R-5'), 'WAITING:-', 'R-5 waits for a pre-order due in an hour');
SELECT is(waitroom.release_due(), 0, 'release_due() one hour early returns 0');
SELECT is(waitroom.release_due(now() + interval '2 hours'), 1, 'release_due(now() + 2h) routes R-5');
SELECT is(pg_temp.plans('R-5'), 'ROUTED:fa:REACTIVATION', 'R-5 routed');
SELECT pg_temp.po('R-6', '2026-01-01T00:00:00Z', 'pre-5', 1);
ALTER TABLE waitroom.listing DISABLE TRIGGER USER;
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 minute' WHERE tenant_article_id = 'pre-5';
ALTER TABLE waitroom.listing ENABLE TRIGGER USER;
SELECT is(pg_temp.plans('R-6'), 'WAITING:-', 'R-6 still waits (its listing trigger was off)');
SELECT is(waitroom.release_due(), 1, 'release_due() with the default time releases the now-due R-6');
SELECT is(pg_temp.plans('R-6'), 'ROUTED:fa:REACTIVATION', 'R-6 routed by release_due()');

-- ---------------------------------------------------------------- listing trigger
-- time moved into the past
SELECT pg_temp.po('L-1', '2026-01-01T00:00:00Z', 'pre-6', 2);
SELECT is(pg_temp.plans('L-1'), 'WAITING:-', 'L-1 waits for pre-6');
SELECT pg_temp.mark('listing-time');
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 day' WHERE tenant_article_id = 'pre-6';
SELECT is(pg_temp.plans('L-1'), 'ROUTED:fa:REACTIVATION', 'moving the pre-order time into the past re-routes L-1 at once');
SELECT is(pg_temp.since('listing-time'), 'ROUTING_PLAN_ROUTED,PICK_JOB_CREATED', 'listing time change: routed + pick job events');

-- behaviour change PREORDER -> BACKORDER
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
VALUES ('fa', 'beh-1', 'PREORDER', '2031-01-01T00:00:00Z');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'beh-1', 3);
SELECT pg_temp.po('L-2', '2026-01-01T00:00:00Z', 'beh-1', 3);
SELECT is(pg_temp.plans('L-2'), 'WAITING:-', 'L-2 waits for the 2031 pre-order');
UPDATE waitroom.listing SET out_of_stock_behaviour = 'BACKORDER' WHERE tenant_article_id = 'beh-1';
SELECT is(pg_temp.plans('L-2'), 'ROUTED:fa:REACTIVATION', 'behaviour PREORDER -> BACKORDER makes the stock count: L-2 routed');
SELECT is(pg_temp.reserved('fa', 'beh-1'), 3, 'L-2 reserved 3');

-- status change INACTIVE -> ACTIVE at another facility with stock
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour) VALUES
  ('fa', 'st-1', 'ACTIVE', 'BACKORDER'), ('fb', 'st-1', 'INACTIVE', 'NONE');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'st-1', 4);
SELECT pg_temp.po('L-3', '2026-01-01T00:00:00Z', 'st-1', 4);
SELECT is(pg_temp.plans('L-3'), 'WAITING:-', 'L-3 waits: only fb has stock and its listing is INACTIVE');
UPDATE waitroom.listing SET status = 'ACTIVE' WHERE facility_ref = 'fb' AND tenant_article_id = 'st-1';
SELECT is(pg_temp.plans('L-3'), 'ROUTED:fb:REACTIVATION', 'activating fb''s listing routes L-3 at fb');

-- facility OFFLINE -> ONLINE
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('fc', 'OFFLINE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'fac-1', 'BACKORDER'), ('fc', 'fac-1', 'NONE');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fc', 'fac-1', 1);
SELECT pg_temp.po('L-4', '2026-01-01T00:00:00Z', 'fac-1', 1);
SELECT is(pg_temp.plans('L-4'), 'WAITING:-', 'L-4 waits: the facility with stock is OFFLINE');
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = 'fc';
SELECT is(pg_temp.plans('L-4'), 'ROUTED:fc:REACTIVATION', 'fc coming ONLINE routes L-4 there');

-- ---------------------------------------------------------------- invariants
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');

SELECT * FROM finish();
ROLLBACK;
