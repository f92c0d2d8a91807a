-- The app's part of the hijack workload, continued (test/suites/26-search-path.sh): after
-- app_place.sql in the same session (its psql variables), under the hijacker's path. Manual
-- actions, cancels, restocks by UPDATE, INSERT and COPY, listing and facility changes that
-- wake the waiting room, reroute_all and the waiting_room view. Qualified like app_place.sql.
\set QUIET 1

-- ------------------------------------------------------------- manual actions
SELECT waitroom.reroute(:'w1') IS NOT NULL AS rerouted;
SELECT waitroom.assign_facility(:'w2_plan', 'sp-f1', '[{"lineId": "1", "quantity": 1}]') IS NOT NULL AS assigned_part;
-- The twins taking the tenant last (SPEC §7), with the tenant named.
SELECT waitroom.reroute(:'w1', 'default') IS NOT NULL AS rerouted_twin;
SELECT waitroom.assign_facility(:'w3_plan', 'sp-f2', NULL, 'default') IS NOT NULL AS assigned_whole;
SELECT waitroom.order_json(:'split') IS NOT NULL AS order_json;
SELECT waitroom.order_json(:'split', 'default') IS NOT NULL AS order_json_twin;
SELECT waitroom.explain(:'split') IS NOT NULL AS explained;
SELECT waitroom.explain(:'split', 'default') IS NOT NULL AS explained_twin;

-- ------------------------------------------------------------- cancels
SELECT waitroom.cancel_order(:'routed') IS NOT NULL AS cancelled_whole;
SELECT waitroom.cancel_order(:'split', '[{"lineId": "1", "quantity": 2}]') IS NOT NULL AS cancelled_part;
SELECT waitroom.cancel_order(:'mixed', '[{"lineId": "y", "quantity": 1}, {"lineId": "x", "quantity": 1}]') IS NOT NULL AS cancelled_mixed;
SELECT waitroom.cancel_order(:'w4') IS NOT NULL AS cancelled_waiting;
SELECT waitroom.cancel_order(:'twin', NULL, 'default') IS NOT NULL AS cancelled_twin;

-- ------------------------------------------------------------- restocks
-- UPDATE: serves sp-b (SP-WAIT-B1, then SP-MIXED's waiting line).
UPDATE waitroom.stock SET on_hand = 3
 WHERE facility_ref OPERATOR(pg_catalog.=) 'sp-f1' AND tenant_article_id OPERATOR(pg_catalog.=) 'sp-b';
-- INSERT: serves sp-d.
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('sp-f2', 'sp-d', 2);
-- COPY: serves sp-e.
COPY waitroom.stock (facility_ref, tenant_article_id, on_hand) FROM STDIN;
sp-f1	sp-e	2
\.
-- A downward correction: no pass.
UPDATE waitroom.stock SET on_hand = 9
 WHERE facility_ref OPERATOR(pg_catalog.=) 'sp-f1' AND tenant_article_id OPERATOR(pg_catalog.=) 'sp-a';

-- ------------------------------------------------------------- listing and facility changes
-- The listing with stock comes back: serves sp-l.
UPDATE waitroom.listing SET status = 'ACTIVE'
 WHERE facility_ref OPERATOR(pg_catalog.=) 'sp-f1' AND tenant_article_id OPERATOR(pg_catalog.=) 'sp-l';
-- The facility with stock comes online: serves sp-g.
UPDATE waitroom.facility SET status = 'ONLINE' WHERE facility_ref OPERATOR(pg_catalog.=) 'sp-f3';
-- A new listing where sp-w has stock: serves what waits of sp-w.
UPDATE waitroom.stock SET on_hand = 6
 WHERE facility_ref OPERATOR(pg_catalog.=) 'sp-f1' AND tenant_article_id OPERATOR(pg_catalog.=) 'sp-w';
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour)
VALUES ('sp-f1', 'sp-w', 'NONE');

-- ------------------------------------------------------------- reroute_all and the view
SELECT waitroom.reroute_all() AS rerouted_all;
SELECT waitroom.reroute_all('default') AS rerouted_all_twin;
SELECT pg_catalog.count(*) AS waiting_lines FROM waitroom.waiting_room;
