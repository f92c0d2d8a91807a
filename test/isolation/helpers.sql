-- Helpers of the isolation specs (test/specs/*.spec), installed once into the specs' database
-- by test/suites/30-isolation.sh before the first spec. They live in public, outside the
-- extension, so a spec's `DROP EXTENSION waitroom` / `CREATE EXTENSION waitroom` keeps them.
--
--   place_items(tid, minute, priority, items) -> text   place_order; orderDate 2026-11-22T10:00Z
--       + minute (NULL: none), items 'article:quantity[:bundleRef]'; returns the plans as
--       "STATUS[@facility] ..."
--   po(tid, minute, VARIADIC items), po(tid, VARIADIC items) (no orderDate), po(tid) (one A:1
--       line at minute 0): place_items with priority 0
--   oid_of(tid)             the newest order of a tenantOrderId
--   waiting_plan_of(tid)    its first WAITING plan
--   try_assign(tid, fac)    assign_facility of the order's first plan; a refusal as 'ERROR <SQLSTATE>'
--   try_cancel(quantity)    cancel_order of the only order (NULL: whole, else line 1 by quantity)
--   outcome(sql)            a call's plan statuses (sorted) or its result, or 'ERROR <SQLSTATE>'
--   chk_plans()             every plan: order, its status, plan status, facility, run type, lines
--   chk_stock()             every stock row with reserved = open picks, no oversell, queued retries
--   chk()                   every plan with the one stock row and the queued retries (one article)

CREATE FUNCTION place_items(tid text, minute int, priority int, items text[]) RETURNS text
LANGUAGE sql AS $$
  SELECT string_agg(p->>'status' || coalesce('@' || (p->>'facilityRef'), ''), ' ')
    FROM jsonb_array_elements(waitroom.place_order(jsonb_build_object(
           'tenantOrderId', tid, 'priority', priority,
           'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
               'id', n::text, 'tenantArticleId', split_part(i, ':', 1),
               'quantity', split_part(i, ':', 2)::int,
               'bundleRef', nullif(split_part(i, ':', 3), '')) ORDER BY n)
             FROM unnest(items) WITH ORDINALITY AS u(i, n)))
         || CASE WHEN minute IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
              'orderDate', '2026-11-22T10:00:00Z'::timestamptz + make_interval(mins => minute)) END)->'routingPlans') p
$$;
CREATE FUNCTION po(tid text, minute int, VARIADIC items text[]) RETURNS text LANGUAGE sql AS
$$ SELECT place_items(tid, minute, 0, items) $$;
CREATE FUNCTION po(tid text, VARIADIC items text[]) RETURNS text LANGUAGE sql AS
$$ SELECT place_items(tid, NULL, 0, items) $$;
CREATE FUNCTION po(tid text) RETURNS text LANGUAGE sql AS
$$ SELECT place_items(tid, 0, 0, ARRAY['A:1']) $$;

CREATE FUNCTION oid_of(tid text) RETURNS uuid LANGUAGE sql AS $$
  SELECT order_id FROM waitroom.orders WHERE tenant_order_id = tid ORDER BY created_at DESC LIMIT 1
$$;
CREATE FUNCTION waiting_plan_of(tid text) RETURNS uuid LANGUAGE sql AS $$
  SELECT p.routing_plan_id FROM waitroom.routing_plan p
   WHERE p.order_id = oid_of(tid) AND p.status = 'WAITING' ORDER BY p.plan_no LIMIT 1
$$;

CREATE FUNCTION try_assign(tid text, fac text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT string_agg(p->>'status' || coalesce('@' || (p->>'facilityRef'), ''), ' ')
            FROM jsonb_array_elements(waitroom.assign_facility(
                   (SELECT routing_plan_id FROM waitroom.routing_plan
                     WHERE order_id = oid_of(tid) ORDER BY plan_no LIMIT 1), fac)->'routingPlans') p);
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE;
END $$;
CREATE FUNCTION try_cancel(quantity int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN waitroom.cancel_order((SELECT order_id FROM waitroom.orders),
    CASE WHEN quantity IS NOT NULL THEN jsonb_build_array(
      jsonb_build_object('lineId', '1', 'quantity', quantity)) END)->>'status';
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE;
END $$;
CREATE FUNCTION outcome(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE result jsonb;
BEGIN
  EXECUTE call INTO result;
  RETURN coalesce((SELECT string_agg(p->>'status', ' ' ORDER BY p->>'status')
                     FROM jsonb_array_elements(result->'routingPlans') p), result::text);
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE;
END $$;

CREATE FUNCTION chk_plans() RETURNS TABLE (tenant_order_id text, order_status text,
    status text, facility_ref text, run_type text, lines text) LANGUAGE sql AS $$
  SELECT o.tenant_order_id, o.status, p.status, p.facility_ref, p.run_type,
         string_agg(l.tenant_article_id || 'x' || l.quantity, ',' ORDER BY l.line_id)
    FROM waitroom.orders o
    JOIN waitroom.routing_plan p ON p.order_id = o.order_id
    LEFT JOIN waitroom.routing_plan_line l ON l.routing_plan_id = p.routing_plan_id AND l.quantity > 0
   GROUP BY o.tenant_order_id, o.status, p.plan_no, p.status, p.facility_ref, p.run_type
   ORDER BY o.tenant_order_id, p.plan_no
$$;
CREATE FUNCTION chk_stock() RETURNS TABLE (facility_ref text, article text, on_hand int,
    reserved int, reserved_is_open_picks bool, no_oversell bool, queued bigint) LANGUAGE sql AS $$
  SELECT s.facility_ref, s.tenant_article_id, s.on_hand, s.reserved,
         s.reserved = coalesce((SELECT sum(pl.quantity) FROM waitroom.pick_line pl
                                  JOIN waitroom.pick_job j ON j.pick_job_id = pl.pick_job_id
                                 WHERE j.status = 'OPEN' AND pl.facility_ref = s.facility_ref
                                   AND pl.tenant_article_id = s.tenant_article_id), 0),
         s.reserved <= s.on_hand,
         (SELECT count(*) FROM waitroom.reroute_queue)
    FROM waitroom.stock s ORDER BY 1, 2
$$;
CREATE FUNCTION chk() RETURNS TABLE (tenant_order_id text, status text, facility_ref text, on_hand int,
    reserved int, queued bigint) LANGUAGE sql AS $$
  SELECT o.tenant_order_id, p.status, p.facility_ref, s.on_hand, s.reserved,
         (SELECT count(*) FROM waitroom.reroute_queue)
    FROM waitroom.orders o
    JOIN waitroom.routing_plan p ON p.order_id = o.order_id
   CROSS JOIN waitroom.stock s
   ORDER BY o.tenant_order_id, p.plan_no
$$;
