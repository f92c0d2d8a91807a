-- Soak network (suites 45 and 47): 6 facilities, 24 articles, waiting room on (default
-- strategy). a01..a08 are BACKORDER at some facilities, a09..a12 PREORDER at f1 with release
-- times a few seconds into the run (release_due serves them), the rest NONE (short picks,
-- not routable). Logins: soak_app (waitroom_app) for the app's calls, soak_daemon
-- (waitroom_daemon) for release_due, the owner (postgres) for the DBA's.
CREATE EXTENSION waitroom;
CREATE ROLE soak_app LOGIN IN ROLE waitroom_app;
CREATE ROLE soak_daemon LOGIN IN ROLE waitroom_daemon;
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
  ('f1', 'Berlin', 52.52, 13.40), ('f2', 'Hamburg', 53.55, 9.99), ('f3', 'Munich', 48.14, 11.58),
  ('f4', 'Cologne', 50.94, 6.96), ('f5', 'Leipzig', 51.34, 12.37), ('f6', 'Depot', NULL, NULL);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
SELECT f.facility_ref, format('a%s', lpad(a::text, 2, '0')),
       CASE WHEN a BETWEEN 9 AND 12 AND f.facility_ref = 'f1' THEN 'PREORDER'
            WHEN a <= 8 AND (a + right(f.facility_ref, 1)::int) % 2 = 0 THEN 'BACKORDER'
            ELSE 'NONE' END,
       CASE WHEN a BETWEEN 9 AND 12 AND f.facility_ref = 'f1' THEN now() + (a - 6) * interval '1 second' END
  FROM waitroom.facility f, generate_series(1, 24) a
 WHERE (a + right(f.facility_ref, 1)::int) % 3 <> 0 OR f.facility_ref = 'f1';
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
SELECT l.facility_ref, l.tenant_article_id, (hashtext(l.facility_ref || l.tenant_article_id) & 7)
  FROM waitroom.listing l;

-- ---------------------------------------------------------------- the harness (not the extension's)
CREATE SCHEMA soak;
-- Every error a soak call raised: which operation, its SQLSTATE and message, and whether it
-- came from the caller's own statement (no frame of waitroom's code in its context).
CREATE TABLE soak.error (
    op        text NOT NULL,
    isolation text NOT NULL,
    sqlstate  text NOT NULL,
    message   text NOT NULL,
    own       bool NOT NULL,
    context   text,
    at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Runs one call as the caller and records an error instead of aborting the pgbench client
-- (pgbench 15 ends a client at any error but 40001/40P01); what is recorded is what reached
-- the caller. The call runs in a subtransaction: the caller's transaction goes on.
CREATE FUNCTION soak.run(op text, stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; ctx text;
BEGIN
    IF stmt IS NULL THEN RETURN; END IF;  -- nothing to act on (no such order or plan now)
    EXECUTE stmt;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, ctx = PG_EXCEPTION_CONTEXT;
    -- The caller's own statement: its context is that statement and this function, nothing deeper.
    INSERT INTO soak.error (op, isolation, sqlstate, message, own, context)
    VALUES (op, current_setting('transaction_isolation'), st, left(msg, 300),
            ctx ~ '^SQL statement "[^\n]*"\nPL/pgSQL function soak\.run\(text,text\) line \d+ at EXECUTE$',
            left(ctx, 2000));
END $$;
-- A deterministic order body per number: a retry of the same number is the same body (a safe
-- retry) unless the earlier order was cancelled (then a new order). 1-3 lines, a bundle in
-- every seventh order, articles spread over all kinds.
CREATE FUNCTION soak.order_body(n int, priority int DEFAULT NULL) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object(
           'tenantOrderId', 'S-' || n,
           'orderDate', to_char(timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second',
                                'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'priority', coalesce(priority, n % 5),
           'consumer', jsonb_build_object('lat', 48 + (n % 50) / 10.0, 'lon', 7 + (n % 60) / 10.0),
           'orderLineItems', (SELECT jsonb_agg(jsonb_build_object(
                  'id', i::text,
                  'tenantArticleId', format('a%s', lpad((1 + (abs(hashtext(n || ':' || i)) % 24))::text, 2, '0')),
                  'quantity', 1 + abs(hashtext(i || ':' || n)) % 3,
                  'bundleRef', CASE WHEN n % 7 = 0 AND i <= 2 THEN 'kit' END) ORDER BY i)
               FROM generate_series(1, 1 + n % 3) i)) $$;
-- An OPEN order by number (read without a lock, as an app would), or any open one near it.
CREATE FUNCTION soak.open_order(n int) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT order_id FROM waitroom.orders WHERE status = 'OPEN' AND tenant_order_id >= 'S-' || n
   ORDER BY tenant_order_id LIMIT 1 $$;
CREATE FUNCTION soak.unrouted_plan(n int) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT routing_plan_id FROM waitroom.routing_plan
   WHERE status IN ('WAITING', 'NOT_ROUTABLE') AND plan_no >= n % 4000
   ORDER BY plan_no LIMIT 1 $$;
GRANT USAGE ON SCHEMA soak TO soak_app, soak_daemon;
GRANT INSERT ON soak.error TO soak_app, soak_daemon;
