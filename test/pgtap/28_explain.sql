-- waitroom.explain(order_id) (issue 12, point 5): the routing decision log, stored when the
-- decision is written and read back later: per plan the facilities considered, each rule's
-- verdict with its numbers, the waiting reasons, the split cap, and why the chosen one won.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(42);

\ir lib/helpers.psql

-- The log of the order's plan with that status (the first by creation).
CREATE FUNCTION pg_temp.log_of(t text, status text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT p->'decision' FROM jsonb_array_elements(waitroom.explain(pg_temp.order_of(t))->'routingPlans') p
   WHERE p->>'status' = status LIMIT 1 $$;
-- One facility's verdict for one article in a log: "check need/on_hand/reserved/available".
CREATE FUNCTION pg_temp.verdict(log jsonb, facility text, article text) RETURNS text LANGUAGE sql AS $$
  SELECT a->>'check' || ' ' || (a->>'needed') || '/' || (a->>'onHand') || '/' || (a->>'reserved')
         || '/' || (a->>'available')
    FROM jsonb_array_elements(log->'facilities') f, jsonb_array_elements(f->'articles') a
   WHERE f->>'facilityRef' = facility AND a->>'tenantArticleId' = article $$;
-- Each waiting line's reason: "line=REASON ..." in line order.
CREATE FUNCTION pg_temp.reasons(log jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg((l->>'lineId') || '=' || (l->>'reason'), ' ' ORDER BY l->>'lineId')
    FROM jsonb_array_elements(log->'plans') p, jsonb_array_elements(p->'lines') l
   WHERE p->>'status' = 'WAITING' $$;

INSERT INTO waitroom.facility (facility_ref, status) VALUES
  ('e1', 'ONLINE'), ('e2', 'ONLINE'), ('e3', 'OFFLINE');
SELECT pg_temp.offer('e1', 'x', 5);
SELECT pg_temp.offer('e2', 'y', 1, 'BACKORDER');
SELECT pg_temp.offer('e1', 'bo', 1, 'BACKORDER');
SELECT pg_temp.offer('e1', 'pre', 5, 'PREORDER', preorder_from => now() + interval '1 day');
SELECT pg_temp.offer('e1', 'zero', 0);
SELECT pg_temp.offer('e1', 'off', 1);
SELECT pg_temp.offer('e3', 'off', 9);
SELECT pg_temp.offer('e2', 'off', 7, status => 'INACTIVE');

-- ---------------------------------------------------------------- routed
SELECT pg_temp.place('R-1', pg_temp.one_line('x', 2));
SELECT is(pg_temp.verdict(pg_temp.log_of('R-1', 'ROUTED'), 'e1', 'x'), 'OK 2/5/0/5',
          'routed: e1 had x 5 on hand, 0 reserved, 5 available for the 2 needed');
SELECT is(jsonb_path_query_array(pg_temp.log_of('R-1', 'ROUTED'), '$.facilities[*] ? (@.chosen == true).facilityRef'),
          '["e1"]', 'routed: e1 is the chosen facility');
SELECT ok(pg_temp.log_of('R-1', 'ROUTED')->>'why' ~ 'rule 1', 'routed: why names rule 1');
SELECT is((SELECT (p->>'runType') || ' ' || (p->>'decidedBy')
             FROM jsonb_array_elements(waitroom.explain(pg_temp.order_of('R-1'))->'routingPlans') p),
          'DEFAULT complete-stock single facility', 'routed: runType and decidedBy');
SELECT is((waitroom.explain(pg_temp.order_of('R-1'))->'routingPlans'->0->>'decidedAt')::timestamptz, now(),
          'routed: decidedAt is the deciding transaction''s time');

-- ---------------------------------------------------------------- facility not online, inactive listing
SELECT pg_temp.place('F-1', pg_temp.one_line('off', 1));
SELECT is(pg_temp.verdict(pg_temp.log_of('F-1', 'ROUTED'), 'e3', 'off'), 'FACILITY_NOT_ONLINE 1/9/0/0',
          'facility OFFLINE: considered, not a candidate, its 9 on hand count 0');
SELECT is(jsonb_path_query_first(pg_temp.log_of('F-1', 'ROUTED'), '$.facilities[*] ? (@.facilityRef == "e3").status'),
          '"OFFLINE"', 'facility OFFLINE: its status is in the log');
SELECT is(pg_temp.verdict(pg_temp.log_of('F-1', 'ROUTED'), 'e2', 'off'), 'LISTING_INACTIVE 1/7/0/0',
          'listing INACTIVE: considered, not a candidate');
SELECT is(jsonb_path_query_first(pg_temp.log_of('F-1', 'ROUTED'),
            '$.facilities[*] ? (@.facilityRef == "e2").articles[0].listing'),
          '{"kind": "NONE", "status": "INACTIVE"}', 'listing: status and kind');

-- ---------------------------------------------------------------- split
SELECT pg_temp.place('S-1', '[{"id": "1", "tenantArticleId": "x", "quantity": 1},
                              {"id": "2", "tenantArticleId": "y", "quantity": 1}]');
SELECT is((SELECT string_agg(p->>'facilityRef', ',' ORDER BY p->>'facilityRef')
             FROM jsonb_array_elements(waitroom.explain(pg_temp.order_of('S-1'))->'routingPlans') p
            WHERE p->>'status' = 'ROUTED' AND p->'decision' IS NOT NULL), 'e1,e2',
          'split: both routed plans have their decision log');
SELECT ok(pg_temp.log_of('S-1', 'ROUTED')->>'why' ~ 'rule 2', 'split: why names rule 2');
SELECT is(pg_temp.verdict(pg_temp.log_of('S-1', 'ROUTED'), 'e1', 'y'), 'NO_LISTING 1/0/0/0',
          'split: e1 does not list y');
SELECT is(jsonb_array_length(pg_temp.log_of('S-1', 'ROUTED')->'plans'), 2,
          'split: the log lists both plans of the decision');

-- ---------------------------------------------------------------- short pick
SELECT pg_temp.place('SP-1', pg_temp.one_line('x', 9));
SELECT is(pg_temp.verdict(pg_temp.log_of('SP-1', 'ROUTED'), 'e1', 'x'), 'STOCK_SHORT 9/5/3/2',
          'short pick: 9 needed, 5 on hand, 3 reserved, 2 available');
SELECT ok(pg_temp.log_of('SP-1', 'ROUTED')->>'why' ~ 'short', 'short pick: why says short pick');
SELECT is(jsonb_path_query_first(pg_temp.log_of('SP-1', 'ROUTED'), '$.plans[0].lines[0].shortQuantity'),
          '7', 'short pick: 7 short in the log');

-- ---------------------------------------------------------------- waiting: stock missing
SELECT pg_temp.place('W-1', pg_temp.one_line('bo', 3));
SELECT is(pg_temp.verdict(pg_temp.log_of('W-1', 'WAITING'), 'e1', 'bo'), 'STOCK_SHORT 3/1/0/1',
          'waiting: 3 needed, 1 available');
SELECT is(pg_temp.reasons(pg_temp.log_of('W-1', 'WAITING')), '1=BACKORDER_NO_STOCK', 'waiting: BACKORDER_NO_STOCK');

-- ---------------------------------------------------------------- waiting: pre-order not due
SELECT pg_temp.place('P-1', pg_temp.one_line('pre', 1));
SELECT is(pg_temp.verdict(pg_temp.log_of('P-1', 'WAITING'), 'e1', 'pre'), 'PREORDER_NOT_RELEASED 1/5/0/0',
          'pre-order: 5 on hand count 0 before the release');
SELECT is((jsonb_path_query_first(pg_temp.log_of('P-1', 'WAITING'),
             '$.facilities[0].articles[0].listing.preorderAvailableFrom')#>>'{}')::timestamptz,
          now() + interval '1 day', 'pre-order: the release time');
SELECT is(pg_temp.reasons(pg_temp.log_of('P-1', 'WAITING')), '1=PREORDER_NOT_RELEASED', 'pre-order: reason');

-- ---------------------------------------------------------------- NOT_ROUTABLE
SELECT pg_temp.place('N-1', pg_temp.one_line('zero', 2));
SELECT is(pg_temp.verdict(pg_temp.log_of('N-1', 'NOT_ROUTABLE'), 'e1', 'zero'), 'STOCK_SHORT 2/0/0/0',
          'not routable: nothing available');
SELECT ok(pg_temp.log_of('N-1', 'NOT_ROUTABLE')->>'why' ~ 'rule 5', 'not routable: why names rule 5');

-- ---------------------------------------------------------------- split cap
UPDATE waitroom.stock SET on_hand = on_hand + 10 WHERE tenant_article_id IN ('x', 'y');
UPDATE waitroom.routing_strategy SET max_split_count = 1;
SELECT pg_temp.place('C-1', '[{"id": "1", "tenantArticleId": "x", "quantity": 1},
                              {"id": "2", "tenantArticleId": "y", "quantity": 1}]');
SELECT is(pg_temp.log_of('C-1', 'WAITING')->'splitCap', '{"reached": true, "routedPlans": 1, "maxSplitCount": 1}',
          'split cap: 1 plan allowed, 1 routed, reached');
SELECT is(pg_temp.reasons(pg_temp.log_of('C-1', 'WAITING')), '2=SPLIT_CAP_REACHED',
          'split cap: y waits for the cap, not for stock');
UPDATE waitroom.routing_strategy SET max_split_count = 3;

-- ---------------------------------------------------------------- STRICT_FIFO held back
SELECT pg_temp.offer('e1', 'sf', 0, 'BACKORDER');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO';
SELECT pg_temp.place('Q-1', pg_temp.one_line('sf', 3));
UPDATE waitroom.stock SET on_hand = 2 WHERE tenant_article_id = 'sf';  -- Q-1 still waits
SELECT pg_temp.place('Q-2', pg_temp.one_line('sf', 2));
SELECT is(jsonb_path_query_first(pg_temp.log_of('Q-2', 'WAITING'), '$.articles[0]'),
          '{"usable": 0, "needed": 2, "heldBack": 3, "availableTotal": 2, "tenantArticleId": "sf"}',
          'STRICT_FIFO: 2 available, 3 held back for Q-1, nothing usable');
SELECT is(pg_temp.reasons(pg_temp.log_of('Q-2', 'WAITING')), '1=QUEUED_BEHIND_EARLIER_ORDERS',
          'STRICT_FIFO: queued behind Q-1');
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'FIFO';

-- ---------------------------------------------------------------- read later: decision time
-- A restock that cannot serve W-1 leaves its plan (and its log) as decided.
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'e1' AND tenant_article_id = 'bo';
SELECT is(pg_temp.verdict(pg_temp.log_of('W-1', 'WAITING'), 'e1', 'bo'), 'STOCK_SHORT 3/1/0/1',
          'later: the log still shows the 1 available when W-1 was decided, not the 2 now');
UPDATE waitroom.stock SET on_hand = 3 WHERE facility_ref = 'e1' AND tenant_article_id = 'bo';
SELECT is(pg_temp.verdict(pg_temp.log_of('W-1', 'ROUTED'), 'e1', 'bo'), 'OK 3/3/0/3',
          'restock: the re-decision that routed W-1 replaced its log');
SELECT is(jsonb_path_query_first(waitroom.explain(pg_temp.order_of('W-1')), '$.routingPlans[0].runType'),
          '"REACTIVATION"', 'restock: runType REACTIVATION');
UPDATE waitroom.stock SET on_hand = 50 WHERE facility_ref = 'e1' AND tenant_article_id = 'bo';
SELECT is(pg_temp.verdict(pg_temp.log_of('W-1', 'ROUTED'), 'e1', 'bo'), 'OK 3/3/0/3',
          'later: stock changed, the log keeps the numbers the routing decided with');

-- ---------------------------------------------------------------- manual assignment, old plans
SELECT waitroom.assign_facility((SELECT routing_plan_id FROM waitroom.routing_plan
                                  WHERE order_id = pg_temp.order_of('N-1')), 'e2');
SELECT ok(pg_temp.log_of('N-1', 'ROUTED')->>'why' ~ 'manual', 'manual assignment: the log says so');
DELETE FROM waitroom.routing_decision d USING waitroom.routing_plan p
 WHERE p.routing_plan_id = d.routing_plan_id AND p.order_id = pg_temp.order_of('R-1');
SELECT is(waitroom.explain(pg_temp.order_of('R-1'))->'routingPlans'->0->>'note',
          'no decision log: decided before waitroom 0.2.0 recorded decisions',
          'a plan without a log (decided under 0.1.0) says so');

-- ---------------------------------------------------------------- many facilities: a bounded log
-- The log keeps the chosen facility and the 10 best others (complete stock, then the most
-- available, then penalty, then ref) in full and counts the rest per verdict, so its size
-- follows the decision, not the network. 40 facilities list "many" (2 needed):
-- m001-m003 5 on hand, m004-m013 1, m014-m020 OFFLINE, m021-m030 INACTIVE, m031-m040 0.
INSERT INTO waitroom.facility (facility_ref, status)
SELECT 'm' || lpad(i::text, 3, '0'), CASE WHEN i BETWEEN 14 AND 20 THEN 'OFFLINE' ELSE 'ONLINE' END
  FROM generate_series(1, 40) i;
SELECT pg_temp.offer('m' || lpad(i::text, 3, '0'), 'many',
                     CASE WHEN i <= 3 THEN 5 WHEN i <= 13 THEN 1 WHEN i <= 30 THEN 9 ELSE 0 END,
                     status => CASE WHEN i BETWEEN 21 AND 30 THEN 'INACTIVE' ELSE 'ACTIVE' END)
  FROM generate_series(1, 40) i;
CREATE FUNCTION pg_temp.log_size(t text) RETURNS text LANGUAGE sql AS $$
  SELECT pg_column_size(d.log) || ' ' || octet_length(d.log::text)
    FROM waitroom.routing_decision d JOIN waitroom.routing_plan p USING (routing_plan_id)
   WHERE p.order_id = pg_temp.order_of(t) $$;
SELECT pg_temp.place('M-40', pg_temp.one_line('many', 2));
SELECT is(jsonb_path_query_array(pg_temp.log_of('M-40', 'ROUTED'), '$.facilities[*].facilityRef'),
          '["m001", "m002", "m003", "m004", "m005", "m006", "m007", "m008", "m009", "m010", "m011"]',
          'many facilities: the chosen m001 and the 10 best others are kept');
SELECT is(pg_temp.verdict(pg_temp.log_of('M-40', 'ROUTED'), 'm001', 'many') || ' '
          || (jsonb_path_query_first(pg_temp.log_of('M-40', 'ROUTED'), '$.facilities[0].chosen'))::text,
          'OK 2/5/0/5 true', 'many facilities: the chosen one with its numbers');
SELECT is(pg_temp.log_of('M-40', 'ROUTED')->'facilitiesOmitted',
          '{"count": 29, "articles": [{"tenantArticleId": "many", "stockShortMaxAvailable": 1,
            "checks": {"STOCK_SHORT": 12, "LISTING_INACTIVE": 10, "FACILITY_NOT_ONLINE": 7}}]}',
          'many facilities: the 29 others counted per verdict; none of the short ones had more than 1');
-- 160 more with complete stock (5 each): 200 facilities, 163 of them complete.
INSERT INTO waitroom.facility (facility_ref, status)
SELECT 'm' || lpad(i::text, 3, '0'), 'ONLINE' FROM generate_series(41, 200) i;
SELECT pg_temp.offer('m' || lpad(i::text, 3, '0'), 'many', 5) FROM generate_series(41, 200) i;
SELECT pg_temp.place('M-200', pg_temp.one_line('many', 2));
SELECT is(pg_temp.log_of('M-200', 'ROUTED')->'facilitiesOmitted'->'articles'->0->'checks',
          '{"OK": 152, "STOCK_SHORT": 20, "LISTING_INACTIVE": 10, "FACILITY_NOT_ONLINE": 7}',
          'many facilities: 200 listed, 11 kept, 189 counted');
SELECT ok(pg_temp.log_of('M-200', 'ROUTED')->>'why' ~ 'of the 163 facilities with complete stock',
          'many facilities: why counts the 163 complete ones rather than naming them');
SELECT cmp_ok(split_part(pg_temp.log_size('M-200'), ' ', 2)::int
              - split_part(pg_temp.log_size('M-40'), ' ', 2)::int, '<=', 8,
              'many facilities: the log''s text grows by at most 8 bytes from 40 to 200 facilities');
SELECT cmp_ok(split_part(pg_temp.log_size('M-200'), ' ', 1)::int
              - split_part(pg_temp.log_size('M-40'), ' ', 1)::int, '<=', 8,
              'many facilities: pg_column_size(log) grows by at most 8 bytes from 40 to 200 facilities');

-- ---------------------------------------------------------------- errors
SELECT pg_temp.raises($$SELECT waitroom.explain('00000000-0000-0000-0000-000000000001')$$,
                      'P0002', 'order', 'unknown order: P0002');
SELECT pg_temp.raises($$SELECT waitroom.explain(NULL)$$, '22023', 'order_id', 'NULL order id: 22023');

SELECT * FROM finish();
ROLLBACK;
