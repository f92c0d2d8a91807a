-- The waiting room (SPEC §4): triggers that wake it, the manual actions, the DBA view.

-- Articles whose waiting plans a pass could not serve now: it could not lock them (another
-- transaction held a stock row, a plan, or the article), so it did not wait into a lock
-- cycle. Drained by the next stock pass, by release_due() (waitroomd's timer) and by
-- reroute_all(); draining looks the waiting plans up afresh, so a plan committed after the
-- deferral is served too.
-- No unique key: enqueueing must never wait for another transaction's insert of the same
-- article (a pass waits for nothing unbounded); draining de-duplicates.
CREATE TABLE reroute_queue (
    entry_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_article_id text NOT NULL,
    enqueued_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Row triggers note each row whose availability rose; the statement trigger then runs one
-- pass for the statement, however many rows: a nightly import of 10,000 rows re-routes once.
-- Inserts: an AFTER trigger whose WHEN leaves rows without stock uncalled (and lets COPY batch).
-- Updates: a BEFORE trigger in C that compares the row itself (extension/pg/stock_trigger.cpp:
-- much cheaper per statement than an AFTER trigger with that test as its WHEN). BEFORE
-- triggers fire in name order; "zz_" makes it the last, so it sees the row as it is written.
-- Every function pins its search_path, these too: the statement trigger's pass parses SQL,
-- and under the caller's path an operator or function planted in an earlier schema would run
-- with its rights. The pass runs as the extension owner (95_privileges.sql).
CREATE FUNCTION _stock_row_raised() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_row_raised' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _stock_row_updating() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_row_updating' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _stock_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_changed' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;

CREATE TRIGGER stock_row_inserted AFTER INSERT ON stock
    FOR EACH ROW WHEN (NEW.on_hand > NEW.reserved)
    EXECUTE FUNCTION _stock_row_raised();
CREATE TRIGGER zz_stock_row_updating BEFORE UPDATE ON stock
    FOR EACH ROW EXECUTE FUNCTION _stock_row_updating();
CREATE TRIGGER stock_changed AFTER INSERT OR UPDATE ON stock
    FOR EACH STATEMENT EXECUTE FUNCTION _stock_changed();

CREATE FUNCTION _reactivate(articles jsonb) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reactivate'
LANGUAGE C STRICT VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;

-- Listing changes (status, behaviour, pre-order time) can serve waiting plans too.
CREATE FUNCTION _listing_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    PERFORM _reactivate(jsonb_agg(DISTINCT n.tenant_article_id))
       FROM new_rows n
      WHERE n.status = 'ACTIVE'
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_inserted AFTER INSERT ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();
CREATE TRIGGER listing_updated AFTER UPDATE ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();

CREATE FUNCTION _facility_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    PERFORM _reactivate(jsonb_agg(DISTINCT l.tenant_article_id))
       FROM new_rows n
       JOIN listing l ON l.facility_ref = n.facility_ref
      WHERE n.status = 'ONLINE'
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER facility_updated AFTER UPDATE ON facility
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _facility_changed();

-- A change of the routing strategy (leaving STRICT_FIFO, turning the split on, a higher
-- max_split_count, the waiting room on or off) can serve waiting plans: the statement serves
-- the whole waiting room under the new strategy, as a pass (what it cannot serve stays
-- WAITING). Before it writes, it waits for every decision made under the old strategy
-- (extension/pg/article_locks.cpp, the strategy lock), so none of them is left waiting after
-- this pass; decisions that start meanwhile wait for its commit and read the new strategy.
CREATE FUNCTION _strategy_changing() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_strategy_changing' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
-- A pass over the whole waiting room costs what reroute_all() does, so only a change that can
-- serve more runs one: FIFO <-> PRIORITY or a move to STRICT_FIFO serves nothing new (first
-- fit in any order leaves waiting only what exceeds availability), anything else may.
CREATE FUNCTION _strategy_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT EXISTS (
           SELECT FROM old_rows o, new_rows n
            WHERE (o.complete_stock_fence_active, o.complete_stock_fence_mode, o.order_split_active,
                   o.max_split_count, o.use_waiting_room_for_pre_back_order_items)
                  IS DISTINCT FROM
                  (n.complete_stock_fence_active, n.complete_stock_fence_mode, n.order_split_active,
                   n.max_split_count, n.use_waiting_room_for_pre_back_order_items)
               OR (o.waiting_room_priority = 'STRICT_FIFO' AND n.waiting_room_priority <> 'STRICT_FIFO')) THEN
        RETURN NULL;
    END IF;
    PERFORM _reactivate(jsonb_agg(DISTINCT w.tenant_article_id))
       FROM routing_plan_line w
      WHERE w.waiting
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER strategy_changing BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changing();
CREATE TRIGGER strategy_inserted AFTER INSERT ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();
CREATE TRIGGER strategy_changed AFTER UPDATE ON routing_strategy
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();

CREATE FUNCTION _reroute(order_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_reroute' LANGUAGE C STRICT VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION reroute(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _reroute(order_id::text);
END $$;

CREATE FUNCTION reroute_all() RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reroute_all' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

CREATE FUNCTION _release_due(at text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_release_due' LANGUAGE C STRICT VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION release_due(at timestamptz DEFAULT now()) RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT _release_due(coalesce(at, now())::text) $$;

CREATE FUNCTION _assign_facility(routing_plan_id text, facility_ref text, lines jsonb) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_assign_facility' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF routing_plan_id IS NULL THEN
        RAISE EXCEPTION 'routing_plan_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF facility_ref IS NULL THEN
        RAISE EXCEPTION 'facility_ref is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _assign_facility(routing_plan_id::text, facility_ref, lines);
END $$;

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

-- One row per waiting line, with why it waits and its place in the queue for its article.
-- A filter on tenant_article_id reaches the indexes (it is the queue's partition); any other
-- filter still computes the queues of every waiting article.
CREATE VIEW waiting_room AS
WITH strategy AS (SELECT waiting_room_priority AS mode FROM routing_strategy),
-- Availability of the articles that have waiting lines only, each read by its key: grouping
-- all listings and stock would read both tables whole.
availability AS (
    SELECT wa.tenant_article_id, x.available, x.preorder_pending, x.preorder_available_from
      FROM (SELECT DISTINCT w.tenant_article_id FROM routing_plan_line w WHERE w.waiting) wa
     CROSS JOIN LATERAL (
        SELECT sum(CASE WHEN l.out_of_stock_behaviour = 'PREORDER' AND l.preorder_available_from > now()
                        THEN 0 ELSE greatest(coalesce(s.on_hand, 0) - coalesce(s.reserved, 0), 0) END) AS available,
               bool_or(l.out_of_stock_behaviour = 'PREORDER' AND l.preorder_available_from > now()) AS preorder_pending,
               min(l.preorder_available_from) FILTER (WHERE l.out_of_stock_behaviour = 'PREORDER') AS preorder_available_from
          FROM listing l
          JOIN facility f ON f.facility_ref = l.facility_ref
          LEFT JOIN stock s ON s.facility_ref = l.facility_ref AND s.tenant_article_id = wa.tenant_article_id
         WHERE l.tenant_article_id = wa.tenant_article_id AND l.status = 'ACTIVE' AND f.status = 'ONLINE') x),
waiting AS (
    SELECT p.order_id, o.tenant_order_id, p.routing_plan_id, rl.line_id, rl.tenant_article_id,
           rl.quantity, ol.bundle_ref, p.waiting_since, st.mode,
           row_number() OVER queue AS queue_position,
           coalesce(sum(rl.quantity) OVER (queue ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ahead
      FROM routing_plan p
      JOIN orders o ON o.order_id = p.order_id
      JOIN routing_plan_line rl ON rl.routing_plan_id = p.routing_plan_id AND rl.waiting
      JOIN order_line ol ON ol.order_id = rl.order_id AND ol.line_id = rl.line_id
     CROSS JOIN strategy st
     WHERE p.status = 'WAITING'
    WINDOW queue AS (PARTITION BY rl.tenant_article_id
                     ORDER BY CASE WHEN st.mode = 'PRIORITY' THEN o.priority END DESC NULLS LAST,
                              o.order_date, p.plan_no))
SELECT w.order_id, w.tenant_order_id, w.routing_plan_id, w.line_id, w.tenant_article_id, w.quantity,
       CASE
           WHEN coalesce(a.available, 0) < w.quantity AND coalesce(a.preorder_pending, false)
               THEN 'PREORDER_NOT_RELEASED'
           WHEN coalesce(a.available, 0) < w.quantity THEN 'BACKORDER_NO_STOCK'
           WHEN w.mode = 'STRICT_FIFO' AND coalesce(a.available, 0) - w.ahead < w.quantity
               THEN 'QUEUED_BEHIND_EARLIER_ORDERS'
           WHEN w.bundle_ref IS NOT NULL THEN 'BUNDLE_INCOMPLETE'
           ELSE 'WAITING_FOR_OTHER_ITEMS'
       END AS reason,
       w.waiting_since, a.preorder_available_from, w.queue_position
  FROM waiting w
  LEFT JOIN availability a ON a.tenant_article_id = w.tenant_article_id;
