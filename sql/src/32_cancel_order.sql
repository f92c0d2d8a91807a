-- Manual action (SPEC §4): cancel_order.

-- cancel_order: the whole order, or [{"lineId", "quantity"}]. A partial cancel takes from
-- the waiting part first, then not routable, then short, then picked (SPEC §4). Released
-- reservations go back to stock in the fixed row order, and the stock trigger serves
-- waiting plans with them in this same transaction.
CREATE FUNCTION cancel_order(order_id uuid, lines jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    o        orders;
    item     jsonb;
    want     jsonb := '{}';          -- line id -> quantity to cancel
    ln       record;
    pl       record;
    r        int;
    t        int;
    released jsonb := '[]';          -- [{f, a, q}]
    rel_f    text[];                 -- released, summed per stock row, in lock order
    rel_a    text[];
    rel_q    int[];
    cancelled_lines jsonb := '[]';
    whole    bool;
BEGIN
    IF cancel_order.order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- NO KEY UPDATE: a concurrent restock pass inserting this order's pick job checks the
    -- foreign key with KEY SHARE, and must not wait for us while we wait for its plan row.
    SELECT * INTO o FROM orders WHERE orders.order_id = cancel_order.order_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order_id % not found', cancel_order.order_id USING ERRCODE = 'no_data_found';
    END IF;
    IF o.status = 'CANCELLED' THEN
        RAISE EXCEPTION 'order % is already CANCELLED', o.order_id USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM 1 FROM routing_plan p WHERE p.order_id = o.order_id ORDER BY p.plan_no FOR NO KEY UPDATE;

    IF lines IS NULL THEN
        SELECT coalesce(jsonb_object_agg(l.line_id, l.quantity - l.cancelled_quantity), '{}')
          INTO want FROM order_line l
         WHERE l.order_id = o.order_id AND l.quantity > l.cancelled_quantity;
    ELSE
        IF jsonb_typeof(lines) <> 'array' OR jsonb_array_length(lines) = 0 THEN
            RAISE EXCEPTION 'lines must be a non-empty array of {"lineId", "quantity"}'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR item IN SELECT * FROM jsonb_array_elements(lines) LOOP
            IF jsonb_typeof(item) <> 'object' OR jsonb_typeof(item->'lineId') IS DISTINCT FROM 'string' THEN
                RAISE EXCEPTION 'lines: lineId must be a string' USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF jsonb_typeof(item->'quantity') IS DISTINCT FROM 'number'
               OR (item->>'quantity')::numeric <> trunc((item->>'quantity')::numeric)
               OR (item->>'quantity')::numeric NOT BETWEEN 1 AND 2147483647 THEN
                RAISE EXCEPTION 'lines: quantity of lineId "%" must be a positive integer', item->>'lineId'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF want ? (item->>'lineId') THEN
                RAISE EXCEPTION 'lines: lineId "%" is given twice', item->>'lineId'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT * INTO ln FROM order_line l
             WHERE l.order_id = o.order_id AND l.line_id = item->>'lineId';
            IF NOT FOUND THEN
                RAISE EXCEPTION 'lines: lineId "%" is not a line of order %', item->>'lineId', o.order_id
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF (item->>'quantity')::int > ln.quantity - ln.cancelled_quantity THEN
                RAISE EXCEPTION 'lines: quantity % of lineId "%" is more than the % left of it',
                    item->>'quantity', ln.line_id, ln.quantity - ln.cancelled_quantity
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            want := want || jsonb_build_object(ln.line_id, (item->>'quantity')::int);
        END LOOP;
    END IF;

    FOR ln IN SELECT l.line_id, l.tenant_article_id, (want->>l.line_id)::int AS q
                FROM order_line l WHERE l.order_id = o.order_id AND want ? l.line_id
               ORDER BY l.position LOOP
        r := ln.q;
        -- 1. waiting, 2. not routable. From the order's plans: routing_plan_line has no
        -- index by order.
        FOR pl IN SELECT rl.routing_plan_id, rl.quantity FROM routing_plan p
                    JOIN routing_plan_line rl
                      ON rl.routing_plan_id = p.routing_plan_id AND rl.line_id = ln.line_id
                   WHERE p.order_id = o.order_id AND rl.quantity > 0
                     AND p.status IN ('WAITING', 'NOT_ROUTABLE')
                   ORDER BY p.status = 'NOT_ROUTABLE', p.plan_no LOOP
            EXIT WHEN r = 0;
            t := least(r, pl.quantity);
            UPDATE routing_plan_line SET quantity = quantity - t, waiting = waiting AND quantity - t > 0
             WHERE routing_plan_id = pl.routing_plan_id AND line_id = ln.line_id;
            r := r - t;
        END LOOP;
        -- 3. short, then 4. picked, on open pick jobs
        FOR pl IN SELECT k.pick_job_id, k.routing_plan_id, pk.quantity, pk.short_quantity, pk.facility_ref
                    FROM pick_line pk JOIN pick_job k ON k.pick_job_id = pk.pick_job_id
                   WHERE k.order_id = o.order_id AND k.status = 'OPEN' AND pk.line_id = ln.line_id
                   ORDER BY k.created_at, k.pick_job_id LOOP
            EXIT WHEN r = 0;
            t := least(r, pl.short_quantity);
            IF t > 0 THEN
                UPDATE pick_line SET short_quantity = short_quantity - t
                 WHERE pick_job_id = pl.pick_job_id AND line_id = ln.line_id;
                UPDATE routing_plan_line SET quantity = quantity - t
                 WHERE routing_plan_id = pl.routing_plan_id AND line_id = ln.line_id;
                r := r - t;
            END IF;
        END LOOP;
        FOR pl IN SELECT k.pick_job_id, k.routing_plan_id, pk.quantity, pk.facility_ref
                    FROM pick_line pk JOIN pick_job k ON k.pick_job_id = pk.pick_job_id
                   WHERE k.order_id = o.order_id AND k.status = 'OPEN' AND pk.line_id = ln.line_id
                     AND pk.quantity > 0
                   ORDER BY k.created_at, k.pick_job_id LOOP
            EXIT WHEN r = 0;
            t := least(r, pl.quantity);
            UPDATE pick_line SET quantity = quantity - t
             WHERE pick_job_id = pl.pick_job_id AND line_id = ln.line_id;
            UPDATE routing_plan_line SET quantity = quantity - t
             WHERE routing_plan_id = pl.routing_plan_id AND line_id = ln.line_id;
            released := released || jsonb_build_object('f', pl.facility_ref, 'a', ln.tenant_article_id, 'q', t);
            r := r - t;
        END LOOP;
        -- Safety net: the plans and pick jobs hold what the line has not cancelled yet.
        IF r > 0 THEN
            RAISE EXCEPTION 'cancel_order: % of line "%" of order % is in none of its plans or pick jobs',
                r, ln.line_id, o.order_id USING ERRCODE = 'internal_error';
        END IF;
        UPDATE order_line SET cancelled_quantity = cancelled_quantity + ln.q
         WHERE order_line.order_id = o.order_id AND line_id = ln.line_id;
        cancelled_lines := cancelled_lines || jsonb_build_object(
            'lineId', ln.line_id, 'tenantArticleId', ln.tenant_article_id, 'quantity', ln.q);
    END LOOP;

    SELECT bool_and(l.cancelled_quantity = l.quantity) INTO whole
      FROM order_line l WHERE l.order_id = o.order_id;

    -- Plans left with nothing are cancelled, with their pick jobs. OFFSET 0 keeps NOT EXISTS
    -- a probe per plan of the order: as an anti-join it may hash all of routing_plan_line.
    WITH emptied AS (
        UPDATE routing_plan p SET status = 'CANCELLED', updated_at = now()
         WHERE p.order_id = o.order_id AND p.status <> 'CANCELLED'
           AND NOT EXISTS (SELECT 1 FROM routing_plan_line rl
                            WHERE rl.routing_plan_id = p.routing_plan_id AND rl.quantity > 0
                           OFFSET 0)
        RETURNING p.routing_plan_id, p.facility_ref, p.plan_no)
    INSERT INTO event (event, order_id, payload)
    SELECT 'ROUTING_PLAN_CANCELLED', o.order_id,
           jsonb_build_object('orderId', o.order_id, 'tenantOrderId', o.tenant_order_id,
                              'routingPlanId', e.routing_plan_id, 'facilityRef', e.facility_ref,
                              'status', 'CANCELLED')
      FROM emptied e ORDER BY e.plan_no;
    WITH closed AS (
        UPDATE pick_job k SET status = 'CANCELLED'
          FROM routing_plan p
         WHERE k.routing_plan_id = p.routing_plan_id AND p.status = 'CANCELLED'
           AND k.order_id = o.order_id AND k.status = 'OPEN'
        RETURNING k.pick_job_id, k.routing_plan_id, k.facility_ref)
    INSERT INTO event (event, order_id, payload)
    SELECT 'PICK_JOB_CANCELLED', o.order_id,
           jsonb_build_object('orderId', o.order_id, 'tenantOrderId', o.tenant_order_id,
                              'pickJobId', c.pick_job_id, 'routingPlanId', c.routing_plan_id,
                              'facilityRef', c.facility_ref)
      FROM closed c ORDER BY c.pick_job_id;
    -- A shrunk pick job is short only while a line is still short.
    UPDATE pick_job k SET sub_status = CASE WHEN EXISTS (
               SELECT 1 FROM pick_line pk WHERE pk.pick_job_id = k.pick_job_id AND pk.short_quantity > 0)
           THEN 'SHORT_PICKED' END
     WHERE k.order_id = o.order_id AND k.status = 'OPEN';

    IF whole THEN
        UPDATE orders SET status = 'CANCELLED' WHERE orders.order_id = o.order_id;
        INSERT INTO event (event, order_id, payload)
        VALUES ('ORDER_CANCELLED', o.order_id,
                jsonb_build_object('orderId', o.order_id, 'tenantOrderId', o.tenant_order_id,
                                   'lines', cancelled_lines));
    ELSE
        INSERT INTO event (event, order_id, payload)
        VALUES ('ORDER_LINES_CANCELLED', o.order_id,
                jsonb_build_object('orderId', o.order_id, 'tenantOrderId', o.tenant_order_id,
                                   'lines', cancelled_lines));
    END IF;

    -- Release reservations: lock the rows in the fixed order, then one UPDATE (the stock
    -- trigger then serves the waiting room with what was freed).
    -- Arrays, not a join with jsonb_to_recordset: unnest() is estimated by its length, so
    -- each row is a primary-key probe instead of a hash join over all of stock.
    IF jsonb_array_length(released) > 0 THEN
        SELECT array_agg(x.f ORDER BY x.f COLLATE "C", x.a COLLATE "C"),
               array_agg(x.a ORDER BY x.f COLLATE "C", x.a COLLATE "C"),
               array_agg(x.q ORDER BY x.f COLLATE "C", x.a COLLATE "C")
          INTO rel_f, rel_a, rel_q
          FROM (SELECT y.f, y.a, sum(y.q)::int AS q
                  FROM jsonb_to_recordset(released) AS y(f text, a text, q int) GROUP BY y.f, y.a) x;
        PERFORM 1 FROM unnest(rel_f, rel_a) AS k(f, a)
          JOIN stock s ON s.facility_ref = k.f AND s.tenant_article_id = k.a
         ORDER BY s.facility_ref COLLATE "C", s.tenant_article_id COLLATE "C"
           FOR NO KEY UPDATE OF s;
        UPDATE stock s SET reserved = s.reserved - k.q
          FROM unnest(rel_f, rel_a, rel_q) AS k(f, a, q)
         WHERE s.facility_ref = k.f AND s.tenant_article_id = k.a;
    END IF;
    RETURN order_json(o.order_id);
END $$;

