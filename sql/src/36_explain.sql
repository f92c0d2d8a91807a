-- ---------------------------------------------------------------- explain (issue 12)
-- The routing decision log a DBA reads when an order waits (docs/explain.md). The router
-- traces each decision while it decides (extension/core/decision_trace.cpp) and the decision
-- writer stores it with the plans, in the same statement batch (decision_writer.cpp):
-- explain() only reads, so it tells why the routing decided what it did then, however stock
-- changed since.
-- The log is stored compact (positional arrays, `json`: checked, not converted, on the write
-- path that a pass takes for thousands of plans at once) and expanded into named keys by
-- explain(), which is read rarely (bench/explain.sh measures the write path).
-- A stored log with named keys (the layout decision_log() in extension/pg/explain_log.cpp
-- writes). Logs without a trace (manual assignment) have only rule, why and plans.
CREATE FUNCTION _decision_log(log jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
SELECT jsonb_build_object(
    'rule', log -> 'rule',
    'why', log -> 'why',
    'decidedWith', log -> 'at',
    'strategy', CASE WHEN log ? 'strategy' THEN jsonb_build_object(
        'completeStockFenceActive', log #> '{strategy,0}',
        'completeStockFenceMode', log #> '{strategy,1}',
        'orderSplitActive', log #> '{strategy,2}',
        'maxSplitCount', log #> '{strategy,3}',
        'useWaitingRoomForPreBackOrderItems', log #> '{strategy,4}',
        'waitingRoomOn', log #> '{strategy,5}',
        'waitingRoomPriority', log #> '{strategy,6}') END,
    'articles', (SELECT jsonb_agg(jsonb_build_object(
                        'tenantArticleId', a -> 0, 'needed', a -> 1, 'availableTotal', a -> 2,
                        'heldBack', a -> 3, 'usable', a -> 4) ORDER BY n)
                   FROM jsonb_array_elements(log -> 'articles') WITH ORDINALITY x(a, n)),
    -- Facilities are stored in groups of alike verdicts: [[refs], [distances] | null,
    -- status, completeStock, chosen, [per article]]; one object per facility, by ref.
    'facilities', (SELECT jsonb_agg(jsonb_build_object(
                          'facilityRef', r, 'status', g -> 2, 'distanceKm', g -> 1 -> (i::int - 1),
                          'completeStock', g -> 3, 'chosen', g -> 4,
                          'articles', (SELECT jsonb_agg(jsonb_build_object(
                                              'tenantArticleId', log -> 'articles' -> (k::int - 1) -> 0,
                                              'needed', log -> 'articles' -> (k::int - 1) -> 1,
                                              'listing', CASE WHEN o ->> 0 IS NOT NULL THEN jsonb_strip_nulls(
                                                  jsonb_build_object('status', o -> 0, 'kind', o -> 1,
                                                                     'preorderAvailableFrom', o -> 2)) END,
                                              'onHand', o -> 3, 'reserved', o -> 4, 'available', o -> 5,
                                              'candidate', o -> 6, 'check', o -> 7) ORDER BY k)
                                         FROM jsonb_array_elements(g -> 5) WITH ORDINALITY y(o, k)))
                          ORDER BY r COLLATE "C")
                     FROM jsonb_array_elements(log -> 'facilities') x(g),
                          jsonb_array_elements_text(g -> 0) WITH ORDINALITY z(r, i)),
    -- The facilities the log does not keep in full (explain_log.cpp keeps the chosen and the
    -- 10 best others), counted per article and verdict.
    'facilitiesOmitted', CASE WHEN log ? 'omitted' THEN jsonb_build_object(
        'count', log #> '{omitted,0}',
        'articles', (SELECT jsonb_agg(jsonb_build_object(
                            'tenantArticleId', log -> 'articles' -> (k::int - 1) -> 0,
                            'checks', o -> 0, 'stockShortMaxAvailable', o -> 1) ORDER BY k)
                       FROM jsonb_array_elements(log #> '{omitted,1}') WITH ORDINALITY y(o, k))) END,
    'splitCap', CASE WHEN log ? 'cap' THEN jsonb_build_object(
        'maxSplitCount', log #> '{cap,0}', 'routedPlans', log #> '{cap,1}',
        'reached', log #> '{cap,2}') END,
    'plans', (SELECT jsonb_agg(jsonb_build_object(
                     'routingPlanId', p -> 0, 'status', p -> 1, 'facilityRef', p -> 2,
                     'lines', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                      'lineId', l -> 0, 'tenantArticleId', l -> 1,
                                      'quantity', l -> 2, 'shortQuantity', l -> 3,
                                      'beyondStock', CASE WHEN (l ->> 4)::bool THEN true END,
                                      'reason', l -> 5)) ORDER BY k)
                                 FROM jsonb_array_elements(p -> 3) WITH ORDINALITY y(l, k)))
                     ORDER BY n)
                FROM jsonb_array_elements(log -> 'plans') WITH ORDINALITY x(p, n)))
$$;

-- The order's plans in creation order, each with its routing_plan facts and its decision log
-- (null, with a note, for plans decided before 0.2.0 kept logs). tenant_id NULL: the order's
-- tenant; a tenant given that does not hold the order: P0002, as an unknown order (SPEC §7).
-- Only that tenant's plans and decisions are read.
CREATE FUNCTION explain(order_id uuid, tenant_id text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    result jsonb;
    t text := explain.tenant_id;
BEGIN
    IF explain.order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF t IS NULL THEN  -- by the order id's own index
        t := (SELECT o.tenant_id FROM orders o WHERE o.order_id = explain.order_id LIMIT 1);
    END IF;
    SELECT jsonb_build_object(
               'orderId', o.order_id,
               'tenantOrderId', o.tenant_order_id,
               'status', o.status,
               'routingPlans', coalesce((
                   SELECT jsonb_agg(jsonb_build_object(
                              'routingPlanId', p.routing_plan_id,
                              'parentRoutingPlanId', p.parent_routing_plan_id,
                              'status', p.status,
                              'facilityRef', p.facility_ref,
                              'runType', p.run_type,
                              'decidedBy', p.decided_by,
                              'decidedAt', d.decided_at,
                              'decision', _decision_log(d.log::jsonb),
                              'note', CASE WHEN d.routing_plan_id IS NULL THEN
                                  'no decision log: decided before waitroom 0.2.0 recorded decisions'
                              END) ORDER BY p.plan_no)
                     FROM routing_plan p
                     LEFT JOIN routing_decision d
                            ON d.tenant_id = t AND d.routing_plan_id = p.routing_plan_id
                    WHERE p.tenant_id = t AND p.order_id = o.order_id), '[]'::jsonb))
      INTO result
      FROM orders o
     WHERE o.tenant_id = t AND o.order_id = explain.order_id;
    IF result IS NULL THEN
        RAISE EXCEPTION 'order % not found', explain.order_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN result;
END $$;
CREATE FUNCTION explain(order_id uuid) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT explain(order_id, NULL::text) $$;
