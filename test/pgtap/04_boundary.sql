-- The C++/Postgres boundary of place_order: a C++ exception in the core becomes an ERROR
-- (XX000, 'injected fault'), a Postgres ERROR raised under a C++ frame keeps its SQLSTATE and
-- message, a failed call writes nothing, and the next call in the same transaction works.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(28);

\ir lib/helpers.psql
CREATE FUNCTION pg_temp.body(t text, article text DEFAULT 'sku-1') RETURNS jsonb LANGUAGE sql AS
$$ SELECT jsonb_build_object('tenantOrderId', t, 'orderLineItems', jsonb_build_array(
            jsonb_build_object('tenantArticleId', article, 'quantity', 1))) $$;

INSERT INTO waitroom.facility (facility_ref) VALUES ('munich'), ('berlin');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('munich', 'sku-1', 'NONE'), ('berlin', 'sku-bo', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'sku-1', 10), ('berlin', 'sku-bo', 0);
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.body('BASE'))$$, 'baseline order placed');
CREATE TEMP TABLE snap AS SELECT pg_temp.footprint() AS f;

-- ================================================================ (a) C++ exception in the core
SET LOCAL waitroom.debug_fault = 'core';
SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.body('FAULT-1'))$$, 'XX000', NULL,
                 'debug_fault=core: place_order raises XX000');
SELECT throws_like($$SELECT waitroom.place_order(pg_temp.body('FAULT-1'))$$, '%injected fault%',
                   'debug_fault=core: the message contains "injected fault"');
SELECT throws_like($$SELECT waitroom.place_order(pg_temp.body('FAULT-2', 'sku-bo'))$$, '%injected fault%',
                   'debug_fault=core: a would-be WAITING order fails the same way');
SELECT is(pg_temp.footprint(), (SELECT f FROM snap), 'the faulted calls wrote nothing');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id LIKE 'FAULT-%'), 0::bigint, 'no FAULT order exists');
-- a fault repeated many times leaves the backend usable (no leaked state between calls)
CREATE FUNCTION pg_temp.fault_loop(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE caught int := 0;
BEGIN
  FOR i IN 1..n LOOP
    BEGIN
      PERFORM waitroom.place_order(pg_temp.body('LOOP-' || i));
    EXCEPTION WHEN internal_error THEN caught := caught + 1;
    END;
  END LOOP;
  RETURN caught;
END $$;
SELECT is(pg_temp.fault_loop(50), 50, '50 faulted calls in a row each raise XX000');
RESET waitroom.debug_fault;
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.body('AFTER-FAULT'))$$, 'after RESET waitroom.debug_fault, place_order works');
SELECT results_eq(
  $$SELECT p.status, p.facility_ref, j.status FROM waitroom.routing_plan p JOIN waitroom.pick_job j USING (routing_plan_id)
     WHERE p.order_id = pg_temp.order_of('AFTER-FAULT')$$,
  $$VALUES ('ROUTED'::text, 'munich'::text, 'OPEN'::text)$$,
  'after the fault: the order is ROUTED to munich with an OPEN pick job');
SELECT is((SELECT reserved FROM waitroom.stock WHERE facility_ref = 'munich' AND tenant_article_id = 'sku-1'), 2,
          'after the fault: munich reserves 2 (BASE and AFTER-FAULT only)');
SELECT is(pg_temp.order_events('AFTER-FAULT'), '{ORDER_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'after the fault: the new order''s 3 events');
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.body('FAULT-1'))$$, 'the tenantOrderId of a faulted call is free');

-- ================================================================ (b) Postgres ERROR under a C++ frame
DELETE FROM snap; INSERT INTO snap SELECT pg_temp.footprint();
CREATE FUNCTION pg_temp.boom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'boom' USING ERRCODE = 'P0099', DETAIL = 'boom detail', HINT = 'boom hint';
END $$;
CREATE TRIGGER boom BEFORE INSERT ON waitroom.pick_job FOR EACH ROW EXECUTE FUNCTION pg_temp.boom();

SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.body('BOOM-1'))$$, 'P0099', 'boom',
                 'an ERROR in a pick_job trigger under place_order keeps SQLSTATE P0099 and message "boom"');
CREATE FUNCTION pg_temp.error_fields(body jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hin text;
BEGIN
  PERFORM waitroom.place_order(body);
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hin = PG_EXCEPTION_HINT;
  RETURN concat_ws(' | ', st, msg, det, hin);
END $$;
SELECT is(pg_temp.error_fields(pg_temp.body('BOOM-2')), 'P0099 | boom | boom detail | boom hint',
          'the ERROR keeps its detail and hint too');
SELECT is(pg_temp.footprint(), (SELECT f FROM snap), 'the failed calls wrote nothing (no order, plan, reservation, event)');
SELECT is((SELECT count(*) FROM waitroom.orders WHERE tenant_order_id LIKE 'BOOM-%'), 0::bigint, 'no BOOM order exists');
-- the trigger is not reached by a WAITING order: that call still works
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.body('BOOM-WAIT', 'sku-bo'))$$,
                'with the trigger in place, an order that only waits (no pick job) is placed');
SELECT is((SELECT status FROM waitroom.routing_plan WHERE order_id = pg_temp.order_of('BOOM-WAIT')), 'WAITING', 'BOOM-WAIT is WAITING');
-- many failures in a row
CREATE FUNCTION pg_temp.boom_loop(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE caught int := 0;
BEGIN
  FOR i IN 1..n LOOP
    BEGIN
      PERFORM waitroom.place_order(pg_temp.body('BOOM-LOOP-' || i));
    EXCEPTION WHEN SQLSTATE 'P0099' THEN caught := caught + 1;
    END;
  END LOOP;
  RETURN caught;
END $$;
SELECT is(pg_temp.boom_loop(50), 50, '50 failing calls in a row each raise P0099');

-- an ERROR while writing the outbox (event table) is kept too
DROP TRIGGER boom ON waitroom.pick_job;
CREATE FUNCTION pg_temp.boom_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.event = 'PICK_JOB_CREATED' THEN
    RAISE EXCEPTION 'outbox down' USING ERRCODE = 'P0098';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER boom_event BEFORE INSERT ON waitroom.event FOR EACH ROW EXECUTE FUNCTION pg_temp.boom_event();
DELETE FROM snap; INSERT INTO snap SELECT pg_temp.footprint();
SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.body('BOOM-EV'))$$, 'P0098', 'outbox down',
                 'an ERROR in an event trigger (last write of place_order) keeps P0098 "outbox down"');
SELECT is(pg_temp.footprint(), (SELECT f FROM snap), 'the call failing at the outbox wrote nothing');
DROP TRIGGER boom_event ON waitroom.event;

-- a unique violation raised inside the C++ frame: pick_line rows for a plan can't collide, but
-- a pre-existing row in a user table hit by a trigger shows that 23505 passes through as 23505
CREATE TEMP TABLE seen (order_id uuid PRIMARY KEY);
CREATE FUNCTION pg_temp.once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO seen VALUES ('00000000-0000-0000-0000-000000000000'); RETURN NEW; END $$;
INSERT INTO seen VALUES ('00000000-0000-0000-0000-000000000000');
CREATE TRIGGER once BEFORE INSERT ON waitroom.routing_plan FOR EACH ROW EXECUTE FUNCTION pg_temp.once();
SELECT throws_ok($$SELECT waitroom.place_order(pg_temp.body('BOOM-UNIQUE'))$$, '23505', NULL,
                 'a unique violation under place_order stays 23505');
DROP TRIGGER once ON waitroom.routing_plan;

-- ---------------------------------------------------------------- back to normal
SELECT lives_ok($$SELECT waitroom.place_order(pg_temp.body('AFTER-BOOM'))$$,
                'after dropping the triggers, place_order works in the same transaction');
SELECT results_eq(
  $$SELECT p.status, p.facility_ref, j.status FROM waitroom.routing_plan p JOIN waitroom.pick_job j USING (routing_plan_id)
     WHERE p.order_id = pg_temp.order_of('AFTER-BOOM')$$,
  $$VALUES ('ROUTED'::text, 'munich'::text, 'OPEN'::text)$$,
  'after the triggers: ROUTED to munich with an OPEN pick job');
SELECT is((SELECT reserved FROM waitroom.stock WHERE facility_ref = 'munich' AND tenant_article_id = 'sku-1'), 4,
          'reserved at munich = 4 (BASE, AFTER-FAULT, FAULT-1, AFTER-BOOM)');
SELECT is(pg_temp.order_events('AFTER-BOOM'),
          ARRAY['ORDER_CREATED', 'ROUTING_PLAN_ROUTED', 'PICK_JOB_CREATED'], 'after the triggers: the three events are written');
SELECT is((SELECT count(*) FROM waitroom.stock s
            WHERE s.reserved <> (SELECT coalesce(sum(pl.quantity), 0) FROM waitroom.pick_line pl JOIN waitroom.pick_job pj USING (pick_job_id)
                                  WHERE pj.status = 'OPEN' AND pl.facility_ref = s.facility_ref AND pl.tenant_article_id = s.tenant_article_id)),
          0::bigint, 'invariant: reserved = open pick lines after all failures');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
