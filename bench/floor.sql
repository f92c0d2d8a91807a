-- The floor of issue 8 #1: the writes place_order makes for an order routed whole to one
-- facility, with no decision. The facility is given in the order's key benchFacilityRef
-- (bench/order.sql draws one, so that two clients contend on stock rows about as often as
-- place_order's nearest-facility choice makes them). Every write is one set-based statement,
-- so this is as cheap as the same rows, locks, events (with the fan-out trigger and its
-- NOTIFY) and returned JSON can be.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.floor_place_order(body jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog AS $$
DECLARE
    new_order  uuid := gen_random_uuid();
    new_plan   uuid := gen_random_uuid();
    new_job    uuid := gen_random_uuid();
    tenant_oid text := body->>'tenantOrderId';
    facility   text := body->>'benchFacilityRef';
    line_ids   text[];
    articles   text[];
    quantities int[];
    ordered    jsonb;   -- ORDER_CREATED's lines
    picked     jsonb;   -- the plan's and pick job's lines
    placed_at  timestamptz;
BEGIN
    SELECT array_agg(coalesce(e->>'id', n::text) ORDER BY n),
           array_agg(e->>'tenantArticleId' ORDER BY n),
           array_agg((e->>'quantity')::int ORDER BY n),
           jsonb_agg(jsonb_build_object('lineId', coalesce(e->>'id', n::text),
                     'tenantArticleId', e->>'tenantArticleId', 'quantity', (e->>'quantity')::int,
                     'bundleRef', e->'bundleRef') ORDER BY n),
           jsonb_agg(jsonb_build_object('lineId', coalesce(e->>'id', n::text),
                     'tenantArticleId', e->>'tenantArticleId', 'quantity', (e->>'quantity')::int,
                     'shortQuantity', 0) ORDER BY n)
      INTO line_ids, articles, quantities, ordered, picked
      FROM jsonb_array_elements(body->'orderLineItems') WITH ORDINALITY AS t(e, n);

    INSERT INTO orders (order_id, tenant_order_id, priority, consumer_lat, consumer_lon, request)
    VALUES (new_order, tenant_oid, coalesce((body->>'priority')::int, 0),
            (body->'consumer'->>'lat')::float8, (body->'consumer'->>'lon')::float8, body)
    RETURNING orders.order_date INTO placed_at;
    INSERT INTO order_line (order_id, line_id, position, tenant_article_id, quantity)
    SELECT new_order, u.id, u.n, u.a, u.q
      FROM unnest(line_ids, articles, quantities) WITH ORDINALITY AS u(id, a, q, n);
    INSERT INTO routing_plan (routing_plan_id, order_id, status, facility_ref, decided_by)
    VALUES (new_plan, new_order, 'ROUTED', facility, 'floor');
    INSERT INTO routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id, quantity)
    SELECT new_plan, new_order, u.id, u.a, u.q
      FROM unnest(line_ids, articles, quantities) AS u(id, a, q);
    INSERT INTO pick_job (pick_job_id, routing_plan_id, order_id, facility_ref)
    VALUES (new_job, new_plan, new_order, facility);
    INSERT INTO pick_line (pick_job_id, line_id, facility_ref, tenant_article_id, quantity)
    SELECT new_job, u.id, facility, u.a, u.q
      FROM unnest(line_ids, articles, quantities) AS u(id, a, q);

    -- Reservations: the rows locked in a fixed order, then one UPDATE (lines of one article
    -- add up).
    PERFORM 1 FROM stock s
      WHERE s.facility_ref = facility AND s.tenant_article_id = ANY (articles)
      ORDER BY s.tenant_article_id FOR NO KEY UPDATE;
    UPDATE stock s SET reserved = s.reserved + r.q
      FROM (SELECT u.a, sum(u.q)::int AS q FROM unnest(articles, quantities) AS u(a, q)
             GROUP BY u.a) r
     WHERE s.facility_ref = facility AND s.tenant_article_id = r.a;

    INSERT INTO event (event, order_id, payload)
    VALUES ('ORDER_CREATED', new_order,
            jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid,
                               'orderDate', placed_at, 'priority', 0, 'orderLineItems', ordered)),
           ('ROUTING_PLAN_ROUTED', new_order,
            jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid,
                               'routingPlanId', new_plan, 'parentRoutingPlanId', NULL,
                               'status', 'ROUTED', 'runType', 'DEFAULT', 'decidedBy', 'floor',
                               'facilityRef', facility, 'lines', picked)),
           ('PICK_JOB_CREATED', new_order,
            jsonb_build_object('orderId', new_order, 'tenantOrderId', tenant_oid,
                               'pickJobId', new_job, 'routingPlanId', new_plan,
                               'facilityRef', facility, 'subStatus', NULL, 'pickLines', picked));
    RETURN order_json(new_order);
END $$;
