-- explain (issue 12, 5a): the table and function of sql/src/36_explain.sql (see there) and the
-- grants of 95_privileges.sql's "explain" block. The script runs with search_path = pg_catalog:
-- names are qualified. Plans decided under 0.1.0 have no log row: explain() says so.
CREATE TABLE waitroom.routing_decision (
    routing_plan_id uuid PRIMARY KEY REFERENCES waitroom.routing_plan ON DELETE CASCADE,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    log             jsonb NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('waitroom.routing_decision', '');

-- The order's plans in creation order, each with its routing_plan facts and its decision log
-- (null, with a note, for plans decided before 0.2.0 kept logs).
CREATE FUNCTION waitroom.explain(order_id uuid) RETURNS jsonb
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
REVOKE EXECUTE ON FUNCTION waitroom.explain(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION waitroom.explain(uuid) TO waitroom_app, waitroom_reader;
GRANT SELECT ON waitroom.routing_decision TO waitroom_app, waitroom_reader;
