BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(36);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from) VALUES
  ('fa', 'pre-1', 'PREORDER', '2030-01-01T00:00:00Z'),
  ('fa', 'pre-2', 'PREORDER', '2030-01-01T00:00:00Z'),
  ('fa', 'pre-3', 'PREORDER', '2030-06-01T00:00:00Z'),
  ('fa', 'pre-4', 'PREORDER', now() + interval '1 hour'),
  ('fa', 'pre-5', 'PREORDER', now() + interval '1 hour'),
  ('fa', 'pre-6', 'PREORDER', now() + interval '1 hour');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'pre-1', 10), ('fa', 'pre-2', 10), ('fa', 'pre-3', 0), ('fa', 'pre-4', 10), ('fa', 'pre-5', 10),
  ('fa', 'pre-6', 10);

-- ---------------------------------------------------------------- waits although in stock
SELECT pg_temp.place_one('R-1', '2026-01-01T00:00:00Z', 'pre-1', 2);
SELECT pg_temp.place_one('R-2', '2026-01-02T00:00:00Z', 'pre-1', 3);
SELECT is(pg_temp.plan_trail('R-1') || ' ' || pg_temp.plan_trail('R-2'), 'WAITING:- WAITING:-',
          'pre-order not yet available: both orders wait although 10 are on hand');
SELECT is(pg_temp.queue('pre-1'), 'R-1#1:PREORDER_NOT_RELEASED R-2#2:PREORDER_NOT_RELEASED',
          'view: reason PREORDER_NOT_RELEASED, FIFO positions');
SELECT is((SELECT preorder_available_from FROM waitroom.waiting_room WHERE tenant_order_id = 'R-1'),
          '2030-01-01T00:00:00Z'::timestamptz, 'view: preorder_available_from is the listing''s time');
SELECT is(pg_temp.reserved('fa', 'pre-1'), 0, 'nothing reserved for a pending pre-order');

-- ---------------------------------------------------------------- release_due(at)
SELECT pg_temp.mark('early');
SELECT is(waitroom.release_due('2029-12-31T23:59:59Z'), 0, 'release_due before the time returns 0');
SELECT is(pg_temp.plan_trail('R-1') || ' ' || pg_temp.plan_trail('R-2'), 'WAITING:- WAITING:-', 'release_due before the time changes nothing');
SELECT is(pg_temp.events_since('early'), '{}', 'release_due before the time writes no event');
SELECT is(waitroom.release_due(), 0, 'release_due() defaults to now(): the 2030 pre-order is not due');
SELECT is(pg_temp.plan_trail('R-1'), 'WAITING:-', 'release_due() leaves it waiting');

SELECT pg_temp.place_one('R-3', '2026-01-01T00:00:00Z', 'pre-2', 4);
SELECT pg_temp.mark('due');
SELECT is(waitroom.release_due('2030-01-01T00:00:01Z'), 3, 'release_due after the time returns the 3 plans it routed');
SELECT is(pg_temp.plan_trail('R-1') || ' ' || pg_temp.plan_trail('R-2') || ' ' || pg_temp.plan_trail('R-3'),
          'ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION ROUTED:fa:REACTIVATION',
          'release_due after the time: all routed at fa');
SELECT is(pg_temp.reserved('fa', 'pre-1') || '/' || pg_temp.reserved('fa', 'pre-2'), '5/4', 'released pre-orders reserve their stock');
SELECT is(pg_temp.events_since('due'),
          '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED,ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}',
          'release_due writes ROUTED + PICK_JOB_CREATED per plan');
SELECT is(waitroom.release_due('2030-01-01T00:00:01Z'), 0, 'a second release_due has nothing left to do');

-- due but no stock: stays waiting, not counted
SELECT pg_temp.place_one('R-4', '2026-01-01T00:00:00Z', 'pre-3', 1);
SELECT is(waitroom.release_due('2030-07-01T00:00:00Z'), 0, 'due pre-order without stock: release_due returns 0');
SELECT is(pg_temp.plan_trail('R-4'), 'WAITING:-', 'due pre-order without stock keeps waiting');

-- release_due() with the default: the pre-order time has passed (listing trigger off, so only
-- release_due can notice)
SELECT pg_temp.place_one('R-5', '2026-01-01T00:00:00Z', 'pre-4', 1);
SELECT is(pg_temp.plan_trail('R-5'), 'WAITING:-', 'R-5 waits for a pre-order due in an hour');
SELECT is(waitroom.release_due(), 0, 'release_due() one hour early returns 0');
SELECT is(waitroom.release_due(now() + interval '2 hours'), 1, 'release_due(now() + 2h) routes R-5');
SELECT is(pg_temp.plan_trail('R-5'), 'ROUTED:fa:REACTIVATION', 'R-5 routed');
SELECT pg_temp.place_one('R-6', '2026-01-01T00:00:00Z', 'pre-5', 1);
ALTER TABLE waitroom.listing DISABLE TRIGGER USER;
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 minute' WHERE tenant_article_id = 'pre-5';
ALTER TABLE waitroom.listing ENABLE TRIGGER USER;
SELECT is(pg_temp.plan_trail('R-6'), 'WAITING:-', 'R-6 still waits (its listing trigger was off)');
SELECT is(waitroom.release_due(), 1, 'release_due() with the default time releases the now-due R-6');
SELECT is(pg_temp.plan_trail('R-6'), 'ROUTED:fa:REACTIVATION', 'R-6 routed by release_due()');

-- ---------------------------------------------------------------- listing trigger
-- time moved into the past
SELECT pg_temp.place_one('L-1', '2026-01-01T00:00:00Z', 'pre-6', 2);
SELECT is(pg_temp.plan_trail('L-1'), 'WAITING:-', 'L-1 waits for pre-6');
SELECT pg_temp.mark('listing-time');
UPDATE waitroom.listing SET preorder_available_from = now() - interval '1 day' WHERE tenant_article_id = 'pre-6';
SELECT is(pg_temp.plan_trail('L-1'), 'ROUTED:fa:REACTIVATION', 'moving the pre-order time into the past re-routes L-1 at once');
SELECT is(pg_temp.events_since('listing-time'), '{ROUTING_PLAN_ROUTED,PICK_JOB_CREATED}', 'listing time change: routed + pick job events');

-- behaviour change PREORDER -> BACKORDER
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
VALUES ('fa', 'beh-1', 'PREORDER', '2031-01-01T00:00:00Z');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fa', 'beh-1', 3);
SELECT pg_temp.place_one('L-2', '2026-01-01T00:00:00Z', 'beh-1', 3);
SELECT is(pg_temp.plan_trail('L-2'), 'WAITING:-', 'L-2 waits for the 2031 pre-order');
UPDATE waitroom.listing SET out_of_stock_behaviour = 'BACKORDER' WHERE tenant_article_id = 'beh-1';
SELECT is(pg_temp.plan_trail('L-2'), 'ROUTED:fa:REACTIVATION', 'behaviour PREORDER -> BACKORDER makes the stock count: L-2 routed');
SELECT is(pg_temp.reserved('fa', 'beh-1'), 3, 'L-2 reserved 3');

-- status change INACTIVE -> ACTIVE at another facility with stock
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour) VALUES
  ('fa', 'st-1', 'ACTIVE', 'BACKORDER'), ('fb', 'st-1', 'INACTIVE', 'NONE');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'st-1', 4);
SELECT pg_temp.place_one('L-3', '2026-01-01T00:00:00Z', 'st-1', 4);
SELECT is(pg_temp.plan_trail('L-3'), 'WAITING:-', 'L-3 waits: only fb has stock and its listing is INACTIVE');
UPDATE waitroom.listing SET status = 'ACTIVE' WHERE facility_ref = 'fb' AND tenant_article_id = 'st-1';
SELECT is(pg_temp.plan_trail('L-3'), 'ROUTED:fb:REACTIVATION', 'activating fb''s listing routes L-3 at fb');

-- facility OFFLINE -> ONLINE
INSERT INTO waitroom.facility (facility_ref, status) VALUES ('fc', 'OFFLINE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'fac-1', 'BACKORDER'), ('fc', 'fac-1', 'NONE');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fc', 'fac-1', 1);
SELECT pg_temp.place_one('L-4', '2026-01-01T00:00:00Z', 'fac-1', 1);
SELECT is(pg_temp.plan_trail('L-4'), 'WAITING:-', 'L-4 waits: the facility with stock is OFFLINE');
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = 'fc';
SELECT is(pg_temp.plan_trail('L-4'), 'ROUTED:fc:REACTIVATION', 'fc coming ONLINE routes L-4 there');

-- ---------------------------------------------------------------- invariants
SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
