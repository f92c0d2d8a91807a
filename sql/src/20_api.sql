-- The SQL API of SPEC §2. C functions live in the waitroom module (extension/pg/).

-- orderDate parsing with the field named in the error (SPEC §6: 22023), not a bare 22007.
CREATE FUNCTION _input_timestamp(value text, field text) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    -- A date first: PostgreSQL would also take 'now', 'yesterday' or 'infinity'.
    IF value !~ '^\d{4}-\d{2}-\d{2}' THEN
        RAISE invalid_datetime_format;  -- reported by the handler below
    END IF;
    RETURN value::timestamptz;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
    RAISE EXCEPTION '% must be an ISO 8601 timestamp, got "%"', field, value
        USING ERRCODE = 'invalid_parameter_value';
END $$;

-- The order as every changing function returns it (SPEC §2), all plans included.
-- PL/pgSQL, not SQL: a SQL function called once per statement is planned on every call
-- (about 0.6 ms of each place_order); PL/pgSQL keeps the plan for the session.
-- tenant_id NULL: the tenant of the order with that id (SPEC §7), and NULL for an unknown
-- order as before; a tenant given that does not hold the order: P0002, as the manual actions
-- answer. Every read names the tenant.
CREATE FUNCTION order_json(order_id uuid, tenant_id text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    t text := order_json.tenant_id;
    result jsonb;
BEGIN
    IF t IS NULL THEN  -- by the order id's own index
        t := (SELECT o.tenant_id FROM orders o WHERE o.order_id = order_json.order_id LIMIT 1);
    END IF;
    result := (SELECT jsonb_build_object(
        'orderId', o.order_id,
        'tenantOrderId', o.tenant_order_id,
        'tenantId', o.tenant_id,
        'status', o.status,
        'orderDate', o.order_date,
        'priority', o.priority,
        -- What was ordered and what of it is cancelled, so a caller sees cancelled quantities
        -- (a cancelled plan lists no lines: its quantities went back to the order line).
        'orderLines', (
            SELECT jsonb_agg(jsonb_build_object(
                       'lineId', ol.line_id,
                       'tenantArticleId', ol.tenant_article_id,
                       'quantity', ol.quantity,
                       'cancelledQuantity', ol.cancelled_quantity,
                       'bundleRef', ol.bundle_ref
                   ) ORDER BY ol.position)
              FROM order_line ol WHERE ol.tenant_id = t AND ol.order_id = o.order_id),
        'routingPlans', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'routingPlanId', p.routing_plan_id,
                'parentRoutingPlanId', p.parent_routing_plan_id,
                'status', p.status,
                'facilityRef', p.facility_ref,
                'runType', p.run_type,
                'waitingSince', p.waiting_since,
                'pickJobId', j.pick_job_id,
                'pickJobStatus', j.status,
                'subStatus', j.sub_status,
                'lines', (
                    SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'lineId', l.line_id,
                               'tenantArticleId', l.tenant_article_id,
                               'quantity', l.quantity,
                               'shortQuantity', coalesce(pl.short_quantity, 0)
                           ) ORDER BY ol.position), '[]'::jsonb)
                      FROM routing_plan_line l
                      JOIN order_line ol
                        ON ol.tenant_id = t AND ol.order_id = l.order_id AND ol.line_id = l.line_id
                      LEFT JOIN pick_line pl
                             ON pl.tenant_id = t AND pl.pick_job_id = j.pick_job_id
                            AND pl.line_id = l.line_id
                     WHERE l.tenant_id = t AND l.routing_plan_id = p.routing_plan_id
                       AND l.quantity > 0)
            ) ORDER BY p.plan_no)
              FROM routing_plan p
              LEFT JOIN pick_job j ON j.tenant_id = t AND j.routing_plan_id = p.routing_plan_id
             WHERE p.tenant_id = t AND p.order_id = o.order_id), '[]'::jsonb))
      FROM orders o
     WHERE o.tenant_id = t AND o.order_id = order_json.order_id);
    IF result IS NULL AND order_json.tenant_id IS NOT NULL THEN
        RAISE EXCEPTION 'order_id % not found', order_json.order_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN result;
END $$;

-- SPEC §2's signature; its tenant is the tenant of the order (SPEC §7).
CREATE FUNCTION order_json(order_id uuid) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT order_json(order_id, NULL::text) $$;

-- The tenant: the tenant_id argument, else the order's "tenantId", else 'default' (SPEC §7).
-- Each function of SPEC §2 keeps its signature, and has a twin with the tenant as its last
-- argument (no default, so a call without it is never ambiguous): on Citus the twin is the one
-- delegated to the tenant's node (waitroom.distribute()).
CREATE FUNCTION place_order("order" jsonb) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_place_order'
LANGUAGE C VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION place_order("order" jsonb, tenant_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_place_order'
LANGUAGE C VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;
