-- The baseline of issue 8 #2: the router a competent user writes in plain PL/pgSQL instead
-- of installing waitroom, for SPEC §3 rules 1, 3 and 5 and the waiting room, without the
-- split search. It writes the same tables and events as place_order.
--
-- Design:
-- * Units are lines; lines of one article are judged together (their quantities add up).
-- * One query ranks the candidate facilities (ONLINE, ACTIVE listing; listings by article,
--   stock by primary key) for the order's articles: the articles it fully serves, then the quantity it has, then the distance to
--   the consumer (haversine; unknown locations last), then facility_ref. The first is the
--   complete facility of rule 1 if there is one, else the facility rule 3 routes to.
-- * No complete facility: if an article short there is BACKORDER/PREORDER-able and the
--   waiting room is on, the whole order waits (one WAITING plan); else it is routed there and
--   the rest is short-picked; if no facility has any of it, NOT_ROUTABLE (rule 5).
-- * Correctness under concurrency: the chosen facility's stock rows are locked FOR NO KEY
--   UPDATE in article order, availability is read again under the lock, and a complete
--   route that no longer holds is decided again (3 tries, then what the locked rows allow
--   is picked and the rest short). No oversell: picks never exceed what the locked rows have.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.baseline_place_order(body jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog AS $$
DECLARE
    new_order  uuid := gen_random_uuid();
    new_plan   uuid := gen_random_uuid();
    new_job    uuid;
    tenant_oid text := body->>'tenantOrderId';
    c_lat      float8 := (body->'consumer'->>'lat')::float8;
    c_lon      float8 := (body->'consumer'->>'lon')::float8;
    line_ids   text[];
    articles   text[];
    quantities int[];
    ordered    jsonb;
    placed_at  timestamptz;
    need       int;      -- distinct articles
    best       record;
    room_on    bool;
    status     text;
    rule       text;
    facility   text;
    short_any  bool;
    plan_lines jsonb;
BEGIN
    SELECT array_agg(coalesce(e->>'id', n::text) ORDER BY n),
           array_agg(e->>'tenantArticleId' ORDER BY n),
           array_agg((e->>'quantity')::int ORDER BY n),
           jsonb_agg(jsonb_build_object('lineId', coalesce(e->>'id', n::text),
                     'tenantArticleId', e->>'tenantArticleId', 'quantity', (e->>'quantity')::int,
                     'bundleRef', e->'bundleRef') ORDER BY n)
      INTO line_ids, articles, quantities, ordered
      FROM jsonb_array_elements(body->'orderLineItems') WITH ORDINALITY AS t(e, n);
    SELECT count(DISTINCT a) INTO need FROM unnest(articles) AS a;
    SELECT (s.complete_stock_fence_active AND s.complete_stock_fence_mode = 'reactive')
           OR s.use_waiting_room_for_pre_back_order_items
      INTO room_on FROM routing_strategy s;

    INSERT INTO orders (order_id, tenant_order_id, priority, consumer_lat, consumer_lon, request)
    VALUES (new_order, tenant_oid, coalesce((body->>'priority')::int, 0), c_lat, c_lon, body)
    RETURNING orders.order_date INTO placed_at;
    INSERT INTO order_line (order_id, line_id, position, tenant_article_id, quantity)
    SELECT new_order, u.id, u.n, u.a, u.q
      FROM unnest(line_ids, articles, quantities) WITH ORDINALITY AS u(id, a, q, n);

    FOR attempt IN 1..3 LOOP
        WITH wanted AS (
            SELECT u.a, sum(u.q) AS q FROM unnest(articles, quantities) AS u(a, q) GROUP BY u.a),
        offer AS (
            SELECT l.facility_ref, w.a, w.q,
                   CASE WHEN l.out_of_stock_behaviour = 'PREORDER' AND l.preorder_available_from > now()
                        THEN 0 ELSE greatest(coalesce(s.on_hand, 0) - coalesce(s.reserved, 0), 0) END AS available,
                   CASE WHEN c_lat IS NULL THEN 0
                        ELSE 2 * 6371 * asin(sqrt(sin(radians(f.lat - c_lat) / 2) ^ 2
                             + cos(radians(c_lat)) * cos(radians(f.lat)) * sin(radians(f.lon - c_lon) / 2) ^ 2))
                   END AS distance
              FROM wanted w
              JOIN listing l ON l.tenant_article_id = w.a AND l.status = 'ACTIVE'
              JOIN facility f ON f.facility_ref = l.facility_ref AND f.status = 'ONLINE'
              -- A probe by key per candidate: as a plain join, the plan hash-joins all of
              -- stock once an order has ~20 lines (60 ms at 100,000 rows).
              LEFT JOIN LATERAL (
                  SELECT s.on_hand, s.reserved FROM stock s
                   WHERE s.facility_ref = l.facility_ref AND s.tenant_article_id = w.a
                   LIMIT 1) s ON true)
        SELECT o.facility_ref, count(*) FILTER (WHERE o.available >= o.q) AS served,
               sum(least(o.available, o.q)) AS quantity, min(o.distance) AS distance
          INTO best
          FROM offer o
         GROUP BY o.facility_ref
         ORDER BY served DESC, quantity DESC, distance NULLS LAST, o.facility_ref
         LIMIT 1;

        IF best.served = need THEN
            status := 'ROUTED'; rule := 'complete-stock single facility';
        ELSIF room_on AND EXISTS (
                SELECT 1 FROM listing l JOIN facility f ON f.facility_ref = l.facility_ref
                 WHERE l.tenant_article_id = ANY (articles) AND l.status = 'ACTIVE'
                   AND f.status = 'ONLINE' AND l.out_of_stock_behaviour IN ('BACKORDER', 'PREORDER')
                   AND l.tenant_article_id NOT IN (
                       SELECT s.tenant_article_id FROM stock s
                        WHERE s.facility_ref = best.facility_ref AND s.tenant_article_id = ANY (articles)
                          AND s.on_hand - s.reserved >= (SELECT sum(u.q) FROM unnest(articles, quantities) AS u(a, q)
                                                          WHERE u.a = s.tenant_article_id))) THEN
            status := 'WAITING'; rule := 'waiting room: whole order waits';
        ELSIF coalesce(best.quantity, 0) > 0 THEN
            status := 'ROUTED'; rule := 'no split: most lines, short pick';
        ELSE
            status := 'NOT_ROUTABLE'; rule := 'nothing available';
        END IF;
        EXIT WHEN status <> 'ROUTED';
        facility := best.facility_ref;
        PERFORM 1 FROM stock s
          WHERE s.facility_ref = facility AND s.tenant_article_id = ANY (articles)
          ORDER BY s.tenant_article_id FOR NO KEY UPDATE;
        -- Re-check under the lock: a complete route must still be complete.
        EXIT WHEN best.served < need OR attempt = 3 OR NOT EXISTS (
            SELECT 1 FROM unnest(articles, quantities) AS u(a, q)
              LEFT JOIN stock s ON s.facility_ref = facility AND s.tenant_article_id = u.a
             GROUP BY u.a HAVING sum(u.q) > max(greatest(coalesce(s.on_hand, 0) - coalesce(s.reserved, 0), 0)));
    END LOOP;

    -- Lines in order; what each picks at the facility (earlier lines of an article first).
    WITH line AS (
        SELECT u.id, u.a, u.q, u.n,
               sum(u.q) OVER (PARTITION BY u.a ORDER BY u.n) - u.q AS before
          FROM unnest(line_ids, articles, quantities) WITH ORDINALITY AS u(id, a, q, n)),
    pick AS (
        SELECT line.*, CASE WHEN status = 'ROUTED'
                            THEN least(line.q, greatest(coalesce(s.on_hand - s.reserved, 0) - line.before, 0))
                            ELSE 0 END AS picked
          FROM line
          LEFT JOIN stock s ON s.facility_ref = facility AND s.tenant_article_id = line.a)
    SELECT jsonb_agg(jsonb_build_object('lineId', p.id, 'tenantArticleId', p.a, 'quantity', p.q,
                                        'picked', p.picked, 'shortQuantity', p.q - p.picked) ORDER BY p.n),
           bool_or(p.picked < p.q)
      INTO plan_lines, short_any
      FROM pick p;

    INSERT INTO routing_plan (routing_plan_id, order_id, status, facility_ref, waiting_since, decided_by)
    VALUES (new_plan, new_order, status, facility,
            CASE WHEN status = 'WAITING' THEN placed_at END, rule);
    INSERT INTO routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id, quantity, waiting)
    SELECT new_plan, new_order, x."lineId", x."tenantArticleId", x.quantity,
           status = 'WAITING'
      FROM jsonb_to_recordset(plan_lines) AS x("lineId" text, "tenantArticleId" text, quantity int);

    IF status = 'ROUTED' THEN
        new_job := gen_random_uuid();
        INSERT INTO pick_job (pick_job_id, routing_plan_id, order_id, facility_ref, sub_status)
        VALUES (new_job, new_plan, new_order, facility, CASE WHEN short_any THEN 'SHORT_PICKED' END);
        INSERT INTO pick_line (pick_job_id, line_id, facility_ref, tenant_article_id, quantity, short_quantity)
        SELECT new_job, x."lineId", facility, x."tenantArticleId", x.picked, x."shortQuantity"
          FROM jsonb_to_recordset(plan_lines)
               AS x("lineId" text, "tenantArticleId" text, picked int, "shortQuantity" int);
        UPDATE stock s SET reserved = s.reserved + r.q
          FROM (SELECT x."tenantArticleId" AS a, sum(x.picked)::int AS q
                  FROM jsonb_to_recordset(plan_lines) AS x("tenantArticleId" text, picked int)
                 GROUP BY 1) r
         WHERE s.facility_ref = facility AND s.tenant_article_id = r.a AND r.q > 0;
    END IF;

    INSERT INTO event (event, order_id, payload)
    SELECT e.name, new_order, e.payload
      FROM (VALUES
        (1, 'ORDER_CREATED',
         jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid, 'orderDate', placed_at,
                            'priority', 0, 'orderLineItems', ordered)),
        (2, CASE status WHEN 'ROUTED' THEN 'ROUTING_PLAN_ROUTED' WHEN 'WAITING' THEN 'ROUTING_PLAN_WAITING'
                        ELSE 'ROUTING_PLAN_NOT_ROUTABLE' END,
         jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid, 'routingPlanId', new_plan,
                            'parentRoutingPlanId', NULL, 'status', status, 'runType', 'DEFAULT',
                            'decidedBy', rule, 'facilityRef', facility, 'lines', plan_lines)),
        (3, 'PICK_JOB_CREATED',
         jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid, 'pickJobId', new_job,
                            'routingPlanId', new_plan, 'facilityRef', facility,
                            'subStatus', CASE WHEN short_any THEN 'SHORT_PICKED' END,
                            'pickLines', plan_lines))) AS e(n, name, payload)
     WHERE e.n < 3 OR status = 'ROUTED'
     ORDER BY e.n;
    RETURN order_json(new_order);
END $$;
