-- The probe's own part (appended to sql/src/10_schema.sql by test/citus/install-probe.sh).

-- Stand-in for place_order: one order, its lines, a WAITING plan with waiting lines, an
-- ORDER_CREATED and a ROUTING_PLAN_WAITING event. Every statement names tenant_id = t, so on
-- Citus each is router-planned to the tenant's shard (local when delegated there).
CREATE FUNCTION place_order("order" jsonb, tenant_id text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    t   text := coalesce(place_order.tenant_id, "order"->>'tenantId', 'default');
    oid uuid := gen_random_uuid();
    pid uuid := gen_random_uuid();
    l   jsonb;
    n   int := 0;
    e1  bigint;
    e2  bigint;
BEGIN
    INSERT INTO orders (order_id, tenant_order_id, request, tenant_id)
    VALUES (oid, "order"->>'tenantOrderId', "order", t);
    INSERT INTO routing_plan (routing_plan_id, order_id, status, waiting_since, tenant_id)
    VALUES (pid, oid, 'WAITING', now(), t);
    -- (Citus refuses a subquery inside INSERT ... VALUES: "subqueries are not supported within
    -- INSERT queries"; the position is counted here.)
    FOR l IN SELECT * FROM jsonb_array_elements("order"->'lines') LOOP
        n := n + 1;
        INSERT INTO order_line (order_id, line_id, position, tenant_article_id, quantity, tenant_id)
        VALUES (oid, l->>'lineId', n, l->>'tenantArticleId', (l->>'quantity')::int, t);
        INSERT INTO routing_plan_line (routing_plan_id, order_id, line_id, tenant_article_id,
                                       quantity, waiting, tenant_id)
        VALUES (pid, oid, l->>'lineId', l->>'tenantArticleId', (l->>'quantity')::int, true, t);
    END LOOP;
    INSERT INTO event (event, order_id, payload, tenant_id)
    VALUES ('ORDER_CREATED', oid, jsonb_build_object('orderId', oid, 'tenantId', t), t)
    RETURNING event_id INTO e1;
    INSERT INTO event (event, order_id, payload, tenant_id)
    VALUES ('ROUTING_PLAN_WAITING', oid, jsonb_build_object('orderId', oid, 'tenantId', t), t)
    RETURNING event_id INTO e2;
    RETURN jsonb_build_object('orderId', oid, 'routingPlanId', pid, 'tenantId', t,
                              'eventIds', jsonb_build_array(e1, e2),
                              'port', current_setting('port')::int);
END $$;

-- Stand-in for the stock trigger: a raise of on_hand routes that tenant's waiting plans for the
-- article at this facility (no quantity check: a probe), writes a ROUTING_PLAN_ROUTED event that
-- records the port of the node it ran on, and notifies.
CREATE FUNCTION _probe_stock_raised() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT DISTINCT l.routing_plan_id, l.order_id FROM routing_plan_line l
              WHERE l.tenant_id = NEW.tenant_id AND l.tenant_article_id = NEW.tenant_article_id
                AND l.waiting
    LOOP
        UPDATE routing_plan SET status = 'ROUTED', facility_ref = NEW.facility_ref,
                                waiting_since = NULL, updated_at = now()
         WHERE tenant_id = NEW.tenant_id AND routing_plan_id = p.routing_plan_id;
        UPDATE routing_plan_line SET waiting = false
         WHERE tenant_id = NEW.tenant_id AND routing_plan_id = p.routing_plan_id;
        INSERT INTO event (event, order_id, payload, tenant_id)
        VALUES ('ROUTING_PLAN_ROUTED', p.order_id,
                jsonb_build_object('orderId', p.order_id, 'tenantId', NEW.tenant_id,
                                   'port', current_setting('port')::int, 'relation', TG_TABLE_NAME,
                                   'txid', txid_current()),
                NEW.tenant_id);
        PERFORM pg_notify('waitroom_probe', NEW.tenant_id || ' ' || p.order_id
                                            || ' port ' || current_setting('port')::int);
    END LOOP;
    RETURN NULL;
END $$;
