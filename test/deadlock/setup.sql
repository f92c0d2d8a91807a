-- Helpers for the deadlock mix (test/deadlock/run.sh), on top of test/liveness/setup.sql.
-- Each swallows only the refusals SPEC §6 documents for a target another client changed
-- first (55000: cancelled or already routed); every other error, 40P01 included, reaches
-- pgbench.
CREATE FUNCTION public.dl_assign(facility text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    plan uuid;
BEGIN
    SELECT routing_plan_id INTO plan FROM waitroom.routing_plan
     WHERE status IN ('WAITING', 'NOT_ROUTABLE') AND routing_plan_id >= (SELECT gen_random_uuid())
     ORDER BY routing_plan_id LIMIT 1;
    IF plan IS NULL THEN RETURN; END IF;
    PERFORM waitroom.assign_facility(plan, facility);
EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL;
END $$;

CREATE FUNCTION public.dl_reroute() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
BEGIN
    SELECT order_id INTO o FROM waitroom.orders
     WHERE status = 'OPEN' AND order_id >= (SELECT gen_random_uuid())
     ORDER BY order_id LIMIT 1;
    IF o IS NULL THEN RETURN; END IF;
    PERFORM waitroom.reroute(o);
EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL;
END $$;
