-- check_invariants(): SPEC §4's promises as a query a DBA (or a test) runs at any time.
-- One row per violation, nothing when healthy (README "Checking invariants").
--   reserved_matches_pick_lines  stock.reserved = the open pick lines at that stock row
--   line_quantities_add_up       picked + short + waiting + not routable + cancelled = ordered
--   plan_pick_job                ROUTED: exactly one OPEN pick job; any other status: none open
--   no_oversell                  reserved <= on_hand, beyond it only by what assign_facility
--                                (run_type MANUAL_ASSIGNMENT) or rule 4 (decided_by 'waiting
--                                room off: …') reserved there; those rows are not violations
--                                (show_allowed lists them, as no_oversell_allowed)
--   no_lost_wakeup               (quiet only) no WAITING plan that reroute_all() would route now,
--                                once release_due() has served what is due
--   events_recorded              every order, plan status, pick job and cancel has its event
--                                (subjects older than events_since may have been purged)
-- quiet: nothing else is running. The lost wake-up check then runs reroute_all() in a
-- subtransaction it rolls back; while others run, a WAITING plan may just not be served yet.
-- SECURITY DEFINER: that check writes (and undoes) what readers may not write.
-- Tenants (SPEC §7): every comparison is within one tenant (reserved = the open pick lines of
-- the same tenant's stock row, and so on), so one tenant's rows never mask or cause another's
-- violation. Each row names its tenant (tenant_id, last column; NULL when the row is about no
-- tenant's data), and a subject of a tenant other than 'default' ends in "in tenant <id>"
-- (an install that never names a tenant reports as before).
CREATE FUNCTION check_invariants(quiet bool DEFAULT true, show_allowed bool DEFAULT false,
                                 events_since timestamptz DEFAULT NULL)
RETURNS TABLE (invariant text, subject text, detail text, tenant_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    since     timestamptz := coalesce(events_since, clock_timestamp() - coalesce(
                  (SELECT o.delivered_retention FROM outbox_setting o), interval '7 days'));
    servable  text[];
    servable_tenants text[];
    waiting_tenants text[];
    waiting_plans uuid[];
    old_children uuid[];
BEGIN
    RETURN QUERY
    WITH open_lines AS (
        SELECT pl.facility_ref, pl.tenant_article_id, pl.tenant_id, sum(pl.quantity)::bigint AS q
          FROM pick_line pl
          JOIN pick_job j ON j.tenant_id = pl.tenant_id AND j.pick_job_id = pl.pick_job_id
         WHERE j.status = 'OPEN'
         GROUP BY 1, 2, 3),
    differ AS (
        SELECT coalesce(s.tenant_id, l.tenant_id) AS t,
               coalesce(s.facility_ref, l.facility_ref) AS f,
               coalesce(s.tenant_article_id, l.tenant_article_id) AS a, s.reserved, l.q
          FROM stock s
          FULL JOIN open_lines l
                 ON l.tenant_id = s.tenant_id AND l.facility_ref = s.facility_ref
                AND l.tenant_article_id = s.tenant_article_id
         WHERE coalesce(s.reserved, 0) <> coalesce(l.q, 0)
            OR (s.facility_ref IS NULL AND l.q > 0))
    SELECT 'reserved_matches_pick_lines',
           format('stock %s/%s', x.f, x.a)
               || CASE WHEN x.t = 'default' THEN '' ELSE ' in tenant ' || x.t END,
           format('reserved %s, open pick lines %s',
                  coalesce(x.reserved::text, 'no stock row'), coalesce(x.q, 0)),
           x.t
      FROM differ x;

    RETURN QUERY
    WITH picked AS (
        SELECT j.order_id, pl.line_id, j.tenant_id,
               sum(pl.quantity)::bigint AS q, sum(pl.short_quantity)::bigint AS s
          FROM pick_line pl
          JOIN pick_job j ON j.tenant_id = pl.tenant_id AND j.pick_job_id = pl.pick_job_id
         WHERE j.status = 'OPEN' GROUP BY 1, 2, 3),
    held AS (
        SELECT rl.order_id, rl.line_id, rl.tenant_id,
               sum(rl.quantity) FILTER (WHERE p.status = 'WAITING')::bigint AS w,
               sum(rl.quantity) FILTER (WHERE p.status = 'NOT_ROUTABLE')::bigint AS n
          FROM routing_plan_line rl
          JOIN routing_plan p ON p.tenant_id = rl.tenant_id AND p.routing_plan_id = rl.routing_plan_id
         WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') GROUP BY 1, 2, 3)
    SELECT 'line_quantities_add_up',
           format('order %s line %s', ol.order_id, ol.line_id)
               || CASE WHEN ol.tenant_id = 'default' THEN '' ELSE ' in tenant ' || ol.tenant_id END,
           format('ordered %s <> picked %s + short %s + waiting %s + not routable %s + cancelled %s',
                  ol.quantity, coalesce(k.q, 0), coalesce(k.s, 0), coalesce(h.w, 0),
                  coalesce(h.n, 0), ol.cancelled_quantity),
           ol.tenant_id
      FROM order_line ol
      LEFT JOIN picked k
             ON k.tenant_id = ol.tenant_id AND k.order_id = ol.order_id AND k.line_id = ol.line_id
      LEFT JOIN held h
             ON h.tenant_id = ol.tenant_id AND h.order_id = ol.order_id AND h.line_id = ol.line_id
     WHERE ol.quantity <> coalesce(k.q, 0) + coalesce(k.s, 0) + coalesce(h.w, 0)
                        + coalesce(h.n, 0) + ol.cancelled_quantity;

    RETURN QUERY
    SELECT 'plan_pick_job',
           format('routing plan %s (%s)', p.routing_plan_id, p.status)
               || CASE WHEN p.tenant_id = 'default' THEN '' ELSE ' in tenant ' || p.tenant_id END,
           format('%s open pick job(s)', count(j.pick_job_id)),
           p.tenant_id
      FROM routing_plan p
      LEFT JOIN pick_job j
             ON j.tenant_id = p.tenant_id AND j.routing_plan_id = p.routing_plan_id
            AND j.status = 'OPEN'
     GROUP BY p.tenant_id, p.routing_plan_id, p.status
    HAVING count(j.pick_job_id) <> CASE WHEN p.status = 'ROUTED' THEN 1 ELSE 0 END;

    -- Over-reservation is allowed up to what manual assignments and rule 4 reserved there.
    RETURN QUERY
    WITH beyond AS (
        SELECT pl.facility_ref, pl.tenant_article_id, pl.tenant_id,
               sum(pl.quantity) FILTER (WHERE jp.allowed)::bigint AS q
          -- The open jobs and their plans first (OFFSET 0), then their lines by key: joined
          -- all at once, a planner without statistics reads each job's lines by tenant alone.
          FROM (SELECT j.tenant_id, j.pick_job_id,
                       p.run_type = 'MANUAL_ASSIGNMENT' OR p.decided_by LIKE 'waiting room off:%'
                           AS allowed
                  FROM pick_job j
                  JOIN routing_plan p
                    ON p.tenant_id = j.tenant_id AND p.routing_plan_id = j.routing_plan_id
                 WHERE j.status = 'OPEN' OFFSET 0) jp
          JOIN pick_line pl ON pl.tenant_id = jp.tenant_id AND pl.pick_job_id = jp.pick_job_id
         GROUP BY 1, 2, 3)
    SELECT CASE WHEN s.reserved - s.on_hand <= coalesce(b.q, 0) THEN 'no_oversell_allowed'
                ELSE 'no_oversell' END,
           format('stock %s/%s', s.facility_ref, s.tenant_article_id)
               || CASE WHEN s.tenant_id = 'default' THEN '' ELSE ' in tenant ' || s.tenant_id END,
           format('reserved %s > on_hand %s; assign_facility/rule 4 reserved %s here',
                  s.reserved, s.on_hand, coalesce(b.q, 0)),
           s.tenant_id
      FROM stock s
      LEFT JOIN beyond b
             ON b.tenant_id = s.tenant_id AND b.facility_ref = s.facility_ref
            AND b.tenant_article_id = s.tenant_article_id
     WHERE s.reserved > s.on_hand
       AND (show_allowed OR s.reserved - s.on_hand > coalesce(b.q, 0));

    RETURN QUERY
    WITH expected AS (
        SELECT o.order_id, 'ORDER_CREATED' AS ev, NULL AS k, NULL AS v,
               'order ' || o.order_id AS subj, o.tenant_id
          FROM orders o WHERE o.created_at >= since
        UNION ALL
        SELECT o.order_id, CASE WHEN o.status = 'CANCELLED' THEN 'ORDER_CANCELLED'
                                ELSE 'ORDER_LINES_CANCELLED' END, NULL, NULL,
               'order ' || o.order_id, o.tenant_id
          FROM orders o WHERE o.created_at >= since
           AND EXISTS (SELECT FROM order_line ol
                        WHERE ol.tenant_id = o.tenant_id AND ol.order_id = o.order_id
                          AND ol.cancelled_quantity > 0)
        UNION ALL
        SELECT p.order_id, 'ROUTING_PLAN_' || p.status, 'routingPlanId',
               p.routing_plan_id::text, 'routing plan ' || p.routing_plan_id, p.tenant_id
          FROM routing_plan p WHERE p.updated_at >= since
        UNION ALL
        SELECT j.order_id, 'PICK_JOB_CREATED', 'pickJobId', j.pick_job_id::text,
               'pick job ' || j.pick_job_id, j.tenant_id
          FROM pick_job j WHERE j.created_at >= since
        UNION ALL
        SELECT j.order_id, 'PICK_JOB_CANCELLED', 'pickJobId', j.pick_job_id::text,
               'pick job ' || j.pick_job_id, j.tenant_id
          FROM pick_job j WHERE j.created_at >= since AND j.status = 'CANCELLED')
    SELECT 'events_recorded',
           x.subj || CASE WHEN x.tenant_id = 'default' THEN '' ELSE ' in tenant ' || x.tenant_id END,
           'no ' || x.ev || ' event', x.tenant_id
      FROM expected x
     WHERE NOT EXISTS (SELECT FROM event e
                        WHERE e.tenant_id = x.tenant_id AND e.order_id = x.order_id
                          AND e.event = x.ev
                          AND (x.k IS NULL OR e.payload->>x.k = x.v));

    IF NOT quiet THEN
        RETURN;
    END IF;
    -- Lost wake-ups: what reroute_all() would route now, undone. NOT_ROUTABLE plans are set
    -- aside (only reroute/reroute_all retry them, SPEC §4); a WAITING plan turned
    -- NOT_ROUTABLE is no wake-up either, nor one routed by rule 4 (no stock needed: the waiting
    -- room was turned off). Routed, or split with a routed child: servable. Every tenant's
    -- (release_due() and reroute_all() without a tenant serve them all, each within its own).
    BEGIN
        -- Due pre-orders and deferred articles are release_due()'s to serve (waitroomd's
        -- timer, SPEC §4), not lost wake-ups: the trial runs it first, and only plans still
        -- waiting after it count.
        PERFORM release_due(clock_timestamp());
        SELECT array_agg(p.tenant_id ORDER BY p.tenant_id, p.routing_plan_id),
               array_agg(p.routing_plan_id ORDER BY p.tenant_id, p.routing_plan_id)
          INTO waiting_tenants, waiting_plans
          FROM routing_plan p WHERE p.status = 'WAITING';
        -- The children the waiting plans have before the trial: any other one is the trial's.
        -- (Not by plan_no above the sequence's last value: on Citus a plan is numbered by the
        -- node that makes it, each from its own range.)
        SELECT array_agg(c.routing_plan_id) INTO old_children
          FROM unnest(waiting_tenants, waiting_plans) AS w(tenant_id, routing_plan_id)
          JOIN routing_plan c
            ON c.tenant_id = w.tenant_id AND c.parent_routing_plan_id = w.routing_plan_id;
        UPDATE routing_plan SET status = 'CANCELLED' WHERE status = 'NOT_ROUTABLE';
        PERFORM reroute_all();
        SELECT array_agg(format('routing plan %s of order %s', p.routing_plan_id, p.order_id)
                         || CASE WHEN p.tenant_id = 'default' THEN ''
                                 ELSE ' in tenant ' || p.tenant_id END
                         ORDER BY p.tenant_id, p.routing_plan_id),
               array_agg(p.tenant_id ORDER BY p.tenant_id, p.routing_plan_id)
          INTO servable, servable_tenants
          FROM unnest(waiting_tenants, waiting_plans) AS w(tenant_id, routing_plan_id)
          JOIN routing_plan p
            ON p.tenant_id = w.tenant_id AND p.routing_plan_id = w.routing_plan_id
         WHERE ((p.status = 'ROUTED' AND p.decided_by NOT LIKE 'waiting room off:%')
            OR EXISTS (SELECT FROM routing_plan c
                        WHERE c.tenant_id = p.tenant_id
                          AND c.parent_routing_plan_id = p.routing_plan_id
                          AND c.status = 'ROUTED'
                          AND NOT c.routing_plan_id = ANY (coalesce(old_children, '{}'))
                          AND c.decided_by NOT LIKE 'waiting room off:%'));
        RAISE EXCEPTION USING ERRCODE = 'WR000';  -- undo all of it
    EXCEPTION
        WHEN SQLSTATE 'WR000' THEN NULL;
        WHEN OTHERS THEN
            invariant := 'no_lost_wakeup';
            subject := 'reroute_all()';
            detail := format('could not check: %s %s', SQLSTATE, SQLERRM);
            tenant_id := NULL;
            RETURN NEXT;
    END;
    RETURN QUERY
    SELECT 'no_lost_wakeup', x.s, 'WAITING, but available stock serves it now (reroute_all routes it)',
           x.t
      FROM unnest(servable, servable_tenants) AS x(s, t);
END $$;
