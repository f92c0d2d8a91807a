-- Gap 6 of issue 10: a listing or facility change re-routes WAITING plans (SPEC §4), and plans
-- that still cannot be served stay WAITING: only reroute / reroute_all produce NOT_ROUTABLE.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(13);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('fa', 'bo-1', 'BACKORDER'), ('fa', 'bo-2', 'BACKORDER'), ('fa', 'bo-3', 'BACKORDER');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('fa', 'bo-1', 0), ('fa', 'bo-2', 0), ('fa', 'bo-3', 0);

SELECT pg_temp.place_one('L-1', '2026-01-01T00:00:00Z', 'bo-1', 2);
SELECT pg_temp.place_one('L-2', '2026-01-01T00:00:00Z', 'bo-2', 1);
SELECT pg_temp.place_one('L-3', '2026-01-01T00:00:00Z', 'bo-3', 1);
SELECT is(pg_temp.plan_trail('L-1') || ' ' || pg_temp.plan_trail('L-2') || ' ' || pg_temp.plan_trail('L-3'),
          'WAITING:- WAITING:- WAITING:-', 'backorders without stock wait');

-- The behaviour changes to NONE: the pass re-routes the plan; nothing can serve it.
SELECT pg_temp.mark('behaviour');
UPDATE waitroom.listing SET out_of_stock_behaviour = 'NONE' WHERE tenant_article_id = 'bo-1';
SELECT is(pg_temp.plan_trail('L-1'), 'WAITING:-', 'listing behaviour -> NONE: the plan stays WAITING');
SELECT is(pg_temp.line_state('L-1'), '1:0/0/2/0/0', 'its line still waits whole');
SELECT is(pg_temp.events_since('behaviour'), '{}', 'and the pass writes no event for it');

-- The waiting listing goes INACTIVE (no pass), then another facility lists the article
-- ACTIVE without stock or backorder: the pass finds no candidate that can serve it.
UPDATE waitroom.listing SET status = 'INACTIVE' WHERE tenant_article_id = 'bo-2';
SELECT pg_temp.mark('new listing');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
VALUES ('fb', 'bo-2', 'NONE');
SELECT is(pg_temp.plan_trail('L-2'), 'WAITING:-', 'a new ACTIVE listing that cannot serve it: still WAITING');
SELECT is(pg_temp.events_since('new listing'), '{}', 'no event');

-- A facility change runs the same pass.
UPDATE waitroom.listing SET out_of_stock_behaviour = 'NONE' WHERE tenant_article_id = 'bo-3';
UPDATE waitroom.facility SET status = 'OFFLINE' WHERE facility_ref = 'fa';
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref = 'fa';
SELECT is(pg_temp.plan_trail('L-3'), 'WAITING:-', 'facility back ONLINE: the plan it cannot serve stays WAITING');

-- A restock of the article later serves it (the plan kept waiting for it).
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'bo-2';
SELECT is(pg_temp.plan_trail('L-2'), 'WAITING:-', 'stock at the INACTIVE listing serves nobody');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('fb', 'bo-2', 1);
SELECT is(pg_temp.plan_trail('L-2'), 'ROUTED:fb:REACTIVATION', 'stock at the new listing serves it');

-- Only reroute_all turns what cannot be served NOT_ROUTABLE.
SELECT waitroom.reroute_all();
SELECT is(pg_temp.plan_trail('L-1') || ' ' || pg_temp.plan_trail('L-3'),
          'NOT_ROUTABLE:-:REROUTE NOT_ROUTABLE:-:REROUTE', 'reroute_all makes them NOT_ROUTABLE');

SELECT is(pg_temp.bad_reserved(), 0::bigint, 'reserved = sum of open pick lines on every stock row');
SELECT is(pg_temp.lost_lines(), 0::bigint, 'nothing lost: picked + short + waiting + cancelled = ordered');
SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');

SELECT * FROM finish();
ROLLBACK;
