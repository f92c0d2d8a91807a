-- Liveness network (suite 40): 4 facilities, 6 articles, waiting room on (default strategy:
-- complete-stock fence active and reactive, split active, FIFO). a1..a3 are BACKORDER at some
-- facilities (orders for them wait), a4..a6 are NONE everywhere (short pick / not routable).
CREATE EXTENSION waitroom;
-- The clients run as an app would (waitroom_app), the backstop as waitroomd would.
CREATE ROLE app_login LOGIN IN ROLE waitroom_app;
CREATE ROLE daemon_login LOGIN IN ROLE waitroom_daemon;
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
  ('f1', 'Berlin', 52.52, 13.40), ('f2', 'Hamburg', 53.55, 9.99),
  ('f3', 'Munich', 48.14, 11.58), ('f4', 'Cologne', 50.94, 6.96);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
SELECT f.facility_ref, 'a' || a,
       CASE WHEN a <= 3 AND (a + right(f.facility_ref, 1)::int) % 2 = 0 THEN 'BACKORDER'
            WHEN a <= 2 THEN 'BACKORDER' ELSE 'NONE' END
  FROM waitroom.facility f, generate_series(1, 6) a;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT f.facility_ref, 'a' || a, (a * 7 + right(f.facility_ref, 1)::int * 3) % 4
  FROM waitroom.facility f, generate_series(1, 6) a;

-- Client helpers (not part of the extension). A random open order is read without a lock
-- (the harness must not hold locks cancel_order would not hold itself); when another client
-- cancelled it, or the part asked for, first, cancel_order's refusal (55000 cancelled order,
-- 22023 more than is left) is the right answer and is swallowed. Every other error (deadlock
-- included) propagates to pgbench.
CREATE FUNCTION public.lv_cancel(partial bool) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o uuid;
    l record;
BEGIN
    SELECT order_id INTO o FROM waitroom.orders
     WHERE status = 'OPEN' AND order_id >= (SELECT gen_random_uuid())
     ORDER BY order_id LIMIT 1;
    IF o IS NULL THEN RETURN; END IF;
    IF NOT partial THEN
        BEGIN
            PERFORM waitroom.cancel_order(o);
        EXCEPTION WHEN object_not_in_prerequisite_state THEN NULL;
        END;
        RETURN;
    END IF;
    SELECT line_id, quantity - cancelled_quantity AS left_over INTO l FROM waitroom.order_line
     WHERE order_id = o AND quantity > cancelled_quantity ORDER BY random() LIMIT 1;
    IF l.line_id IS NULL THEN RETURN; END IF;
    BEGIN
        PERFORM waitroom.cancel_order(o, jsonb_build_array(jsonb_build_object(
            'lineId', l.line_id, 'quantity', 1 + floor(random() * l.left_over)::int)));
    EXCEPTION WHEN object_not_in_prerequisite_state OR invalid_parameter_value THEN NULL;
    END;
END $$;
