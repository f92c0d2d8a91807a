-- waitroom.check_invariants(): empty on a healthy database; each invariant broken by a
-- direct write as the owner shows up as its row (so the check can fail), and goes away again.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(27);

\ir lib/helpers.psql

-- Rows of one invariant, as "invariant|subject".
CREATE FUNCTION pg_temp.found(inv text, quiet bool DEFAULT true, show_allowed bool DEFAULT false)
RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(c.subject, ' ' ORDER BY c.subject), '')
    FROM waitroom.check_invariants(quiet, show_allowed) c WHERE c.invariant = inv $$;

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'r-1', 'NONE'), ('fa', 'w-1', 'BACKORDER'), ('fa', 'n-1', 'NONE'), ('fa', 'm-1', 'BACKORDER'),
  ('fa', 'c-1', 'NONE'), ('fb', 'b-1', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'r-1', 10), ('fa', 'c-1', 10);

-- A bit of everything: routed, waiting, not routable, partly and wholly cancelled, assigned.
SELECT pg_temp.place_one('I-R', '2026-01-01T00:00:00Z', 'r-1', 3);
SELECT pg_temp.place_one('I-W', '2026-01-01T00:00:00Z', 'w-1', 2);
SELECT pg_temp.place_one('I-N', '2026-01-01T00:00:00Z', 'n-1', 2);
SELECT pg_temp.place_one('I-M', '2026-01-01T00:00:00Z', 'm-1', 4);
SELECT pg_temp.place_one('I-C', '2026-01-01T00:00:00Z', 'c-1', 5);
SELECT pg_temp.place_one('I-X', '2026-01-01T00:00:00Z', 'c-1', 1);
SELECT waitroom.cancel_order(pg_temp.order_of('I-C'), '[{"lineId": "1", "quantity": 2}]');
SELECT waitroom.cancel_order(pg_temp.order_of('I-X'));
SELECT waitroom.assign_facility(pg_temp.root_plan('I-M'), 'fa');
SELECT is(pg_temp.plan_trail('I-R') || ' ' || pg_temp.plan_trail('I-W') || ' ' || pg_temp.plan_trail('I-N') || ' '
          || pg_temp.plan_trail('I-M'),
          'ROUTED:fa:DEFAULT WAITING:- NOT_ROUTABLE:-:DEFAULT ROUTED:fa:MANUAL_ASSIGNMENT', 'the scenario is set');
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'healthy: no row');

-- ---------------------------------------------------------------- reserved = open pick lines
UPDATE waitroom.stock SET reserved = reserved + 1 WHERE facility_ref = 'fa' AND tenant_article_id = 'r-1';
SELECT is(pg_temp.found('reserved_matches_pick_lines'), 'stock fa/r-1', 'reserved raised by hand: reported');
UPDATE waitroom.stock SET reserved = reserved - 1 WHERE facility_ref = 'fa' AND tenant_article_id = 'r-1';
INSERT INTO waitroom.pick_line (pick_job_id, line_id, facility_ref, tenant_article_id, quantity)
SELECT pick_job_id, '9', 'fb', 'z-9', 1 FROM waitroom.pick_job WHERE order_id = pg_temp.order_of('I-R');
SELECT is(pg_temp.found('reserved_matches_pick_lines'), 'stock fb/z-9', 'an open pick line without a stock row: reported');
DELETE FROM waitroom.pick_line WHERE line_id = '9';
SELECT is(pg_temp.found('reserved_matches_pick_lines'), '', 'restored: gone');

-- ---------------------------------------------------------------- nothing lost per line
UPDATE waitroom.order_line SET cancelled_quantity = cancelled_quantity + 1 WHERE order_id = pg_temp.order_of('I-R');
SELECT is(pg_temp.found('line_quantities_add_up'), 'order ' || pg_temp.order_of('I-R') || ' line 1',
          'a cancelled quantity nobody took from a plan: reported');
UPDATE waitroom.order_line SET cancelled_quantity = cancelled_quantity - 1 WHERE order_id = pg_temp.order_of('I-R');
UPDATE waitroom.routing_plan_line SET quantity = quantity + 1 WHERE routing_plan_id = pg_temp.root_plan('I-W');
SELECT is(pg_temp.found('line_quantities_add_up'), 'order ' || pg_temp.order_of('I-W') || ' line 1',
          'a waiting quantity larger than ordered: reported');
UPDATE waitroom.routing_plan_line SET quantity = quantity - 1 WHERE routing_plan_id = pg_temp.root_plan('I-W');
SELECT is(pg_temp.found('line_quantities_add_up'), '', 'restored: gone');

-- ---------------------------------------------------------------- one open pick job per ROUTED plan
CREATE TEMP TABLE r_plan AS SELECT pg_temp.root_plan('I-R') AS id;
UPDATE waitroom.pick_job SET status = 'CANCELLED' WHERE routing_plan_id = (SELECT id FROM r_plan);
SELECT is(pg_temp.found('plan_pick_job'), format('routing plan %s (ROUTED)', (SELECT id FROM r_plan)),
          'a ROUTED plan without an open pick job: reported');
UPDATE waitroom.pick_job SET status = 'OPEN' WHERE routing_plan_id = (SELECT id FROM r_plan);
UPDATE waitroom.routing_plan SET status = 'CANCELLED' WHERE routing_plan_id = (SELECT id FROM r_plan);
SELECT is(pg_temp.found('plan_pick_job'), format('routing plan %s (CANCELLED)', (SELECT id FROM r_plan)),
          'a CANCELLED plan with an open pick job: reported');
UPDATE waitroom.routing_plan SET status = 'ROUTED' WHERE routing_plan_id = (SELECT id FROM r_plan);
SELECT is(pg_temp.found('plan_pick_job'), '', 'restored: gone');

-- ---------------------------------------------------------------- no oversell, but for assign_facility and rule 4
SELECT is(pg_temp.found('no_oversell'), '', 'assign_facility reserved 4 of m-1 at fa without stock: no violation');
SELECT is(pg_temp.found('no_oversell_allowed', true, true), 'stock fa/m-1', 'show_allowed lists it as allowed');
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'fa' AND tenant_article_id = 'r-1';
SELECT is(pg_temp.found('no_oversell'), 'stock fa/r-1', 'on_hand below what a routing decision reserved: reported');
UPDATE waitroom.stock SET on_hand = 10 WHERE facility_ref = 'fa' AND tenant_article_id = 'r-1';
-- Rule 4: waiting room off, a BACKORDER line is reserved where its listing is. The strategy
-- changes with the triggers off: the change would otherwise serve I-W by rule 4 as well.
SET LOCAL session_replication_role = replica;
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = false;
SET LOCAL session_replication_role = origin;
SELECT pg_temp.place_one('I-4', '2026-01-01T00:00:00Z', 'b-1', 2);
SET LOCAL session_replication_role = replica;
UPDATE waitroom.routing_strategy SET complete_stock_fence_active = true;
SET LOCAL session_replication_role = origin;
SELECT is(pg_temp.plan_trail('I-4') || ' ' || pg_temp.reserved('fb', 'b-1'), 'ROUTED:fb:DEFAULT 2', 'rule 4 reserved 2 at fb without stock');
SELECT is(pg_temp.found('no_oversell'), '', 'rule 4''s reservation: no violation');
UPDATE waitroom.routing_plan SET decided_by = 'split' WHERE order_id = pg_temp.order_of('I-4');
SELECT is(pg_temp.found('no_oversell'), 'stock fb/b-1', 'the same reservation by any other rule: reported');
UPDATE waitroom.routing_plan SET decided_by = 'waiting room off: backorder reservation' WHERE order_id = pg_temp.order_of('I-4');

-- ---------------------------------------------------------------- no lost wake-up
-- Stock for I-W arrives with the triggers off: the plan keeps waiting although it is servable.
SET LOCAL session_replication_role = replica;
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'w-1', 5);
SET LOCAL session_replication_role = origin;
SELECT is(pg_temp.found('no_lost_wakeup'), format('routing plan %s of order %s', pg_temp.root_plan('I-W'), pg_temp.order_of('I-W')),
          'a WAITING plan that stock on hand serves: reported');
SELECT is(pg_temp.plan_trail('I-W') || ' ' || pg_temp.reserved('fa', 'w-1'), 'WAITING:- 0',
          'the check undid its trial reroute_all(): still WAITING, nothing reserved');
SELECT is(pg_temp.found('no_lost_wakeup', false), '', 'not checked unless quiet');
SELECT is(pg_temp.plan_trail('I-N'), 'NOT_ROUTABLE:-:DEFAULT', 'the NOT_ROUTABLE plan it set aside is back');
SET LOCAL session_replication_role = replica;
DELETE FROM waitroom.stock WHERE facility_ref = 'fa' AND tenant_article_id = 'w-1';
SET LOCAL session_replication_role = origin;
SELECT is(pg_temp.found('no_lost_wakeup'), '', 'stock gone again: nothing servable');
-- A pre-order whose release time has come waits for release_due() (waitroomd's timer, SPEC
-- §4): not a lost wake-up until the timer has run, then nothing is left to report.
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
  VALUES ('fa', 'p-1', 'PREORDER', now() + interval '1 hour');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'p-1', 5);
SELECT pg_temp.place_one('I-P', '2026-01-01T00:00:00Z', 'p-1', 1);
SET LOCAL session_replication_role = replica;  -- time passes; no trigger serves it
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 minute' WHERE tenant_article_id = 'p-1';
SET LOCAL session_replication_role = origin;
SELECT is(pg_temp.found('no_lost_wakeup'), '', 'a due pre-order not yet released by release_due(): not a lost wake-up');
SELECT is(waitroom.release_due() || ' ' || pg_temp.plan_trail('I-P'), '1 ROUTED:fa:REACTIVATION',
          'release_due() serves it');

-- ---------------------------------------------------------------- every transition has its event
CREATE TEMP TABLE gone AS
  SELECT * FROM waitroom.event
   WHERE (order_id = pg_temp.order_of('I-R') AND event = 'ORDER_CREATED')
      OR (order_id = pg_temp.order_of('I-C') AND event = 'ORDER_LINES_CANCELLED')
      OR (order_id = pg_temp.order_of('I-X') AND event IN ('ORDER_CANCELLED', 'PICK_JOB_CANCELLED'))
      OR (order_id = pg_temp.order_of('I-W') AND event = 'ROUTING_PLAN_WAITING')
      OR (order_id = pg_temp.order_of('I-M') AND event = 'PICK_JOB_CREATED');
DELETE FROM waitroom.event WHERE event_id IN (SELECT event_id FROM gone);
SELECT is((SELECT string_agg(c.detail, ', ' ORDER BY c.detail) FROM waitroom.check_invariants() c
            WHERE c.invariant = 'events_recorded'),
          'no ORDER_CANCELLED event, no ORDER_CREATED event, no ORDER_LINES_CANCELLED event, '
          'no PICK_JOB_CANCELLED event, no PICK_JOB_CREATED event, no ROUTING_PLAN_WAITING event',
          'each deleted kind of event is reported');
SELECT is((SELECT count(*) FROM waitroom.check_invariants(events_since => now() + interval '1 minute')
            WHERE invariant = 'events_recorded'), 0::bigint,
          'subjects older than events_since (purged by retention) are not checked');
INSERT INTO waitroom.event OVERRIDING SYSTEM VALUE SELECT * FROM gone;

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'all restored: no row');

SELECT * FROM finish();
ROLLBACK;
