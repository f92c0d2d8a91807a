-- ---------------------------------------------------------------- explain (issue 12)
-- The routing decision log a DBA reads when an order waits (docs/explain.md). The router
-- traces each decision while it decides (extension/core/decision_trace.cpp) and the decision
-- writer stores it with the plans, in the same statement batch (decision_writer.cpp):
-- explain() only reads, so it tells why the routing decided what it did then, however stock
-- changed since.
-- One row per plan, the latest decision that wrote the plan (a re-route that leaves a plan as
-- it was writes nothing, so a restock re-deciding 100,000 waiting plans adds no row; a
-- history would grow with every re-decision). Each plan a decision writes (the one that keeps
-- the id and its routed children) gets that decision's log, so a child keeps the decision that
-- made it when its parent is decided again. Rows go with their plan (ON DELETE CASCADE), are
-- user data for pg_dump, and DROP EXTENSION drops the table.
CREATE TABLE routing_decision (
    routing_plan_id uuid PRIMARY KEY REFERENCES routing_plan ON DELETE CASCADE,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    log             jsonb NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('routing_decision', '');

-- The order's plans in creation order, each with its routing_plan facts and its decision log
-- (null, with a note, for plans decided before 0.2.0 kept logs).
CREATE FUNCTION explain(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    result jsonb;
BEGIN
    IF explain.order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
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
                              'decision', d.log,
                              'note', CASE WHEN d.routing_plan_id IS NULL THEN
                                  'no decision log: decided before waitroom 0.2.0 recorded decisions'
                              END) ORDER BY p.plan_no)
                     FROM routing_plan p
                     LEFT JOIN routing_decision d ON d.routing_plan_id = p.routing_plan_id
                    WHERE p.order_id = o.order_id), '[]'::jsonb))
      INTO result
      FROM orders o
     WHERE o.order_id = explain.order_id;
    IF result IS NULL THEN
        RAISE EXCEPTION 'order % not found', explain.order_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN result;
END $$;
