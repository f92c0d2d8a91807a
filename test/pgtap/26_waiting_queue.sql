-- The waiting room's queue and its reasons have one home (issue 11): waitroom.waiting_queue()
-- orders the queue and sums STRICT_FIFO's held-back quantity for the pass, the batch, the
-- decision and the view; waitroom.candidate_offer() says what the router may use. The view's
-- reason must agree with what the router does (SPEC §3 definitions, §4).
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(16);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref, name, status, lat, lon) VALUES
  ('wq1', 'Queue one', 'ONLINE', 48.14, 11.58),
  ('wq2', 'Queue two', 'ONLINE', 48.26, 11.43),
  ('wq_off', 'Queue offline', 'OFFLINE', 48.10, 11.50);

-- ---------------------------------------------------------------- the view agrees with the router
-- A unit is served by one facility: 3 + 3 in two facilities do not serve a line of 5. The
-- router keeps it waiting for stock; the view summed both and said it waited for other items.
SELECT pg_temp.offer('wq1', 'split', 3, 'BACKORDER');
SELECT pg_temp.offer('wq2', 'split', 3);
SELECT pg_temp.place('SP-1', pg_temp.one_line('split', 5));
SELECT is(pg_temp.plan_picks('SP-1'), 'WAITING@-{split:5}', 'no facility has 5 of split: the router waits');
SELECT is(pg_temp.queue('split'), 'SP-1#1:BACKORDER_NO_STOCK',
          'the view: waiting for stock (no candidate facility has the line''s quantity)');

-- An OFFLINE facility's stock is not a candidate's: the line waits for stock.
SELECT pg_temp.offer('wq_off', 'off', 9);
SELECT pg_temp.offer('wq1', 'off', 0, 'BACKORDER');
SELECT pg_temp.place('OF-1', pg_temp.one_line('off', 2));
SELECT is(pg_temp.queue('off'), 'OF-1#1:BACKORDER_NO_STOCK', 'OFFLINE facility''s stock does not count');

-- STRICT_FIFO, split off: a plan's own lines are not "earlier orders". The router holds back
-- nothing (no plan ahead) and waits whole because no facility has both lines.
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'STRICT_FIFO', order_split_active = false;
SELECT pg_temp.offer('wq1', 'own', 1, 'BACKORDER');
SELECT pg_temp.place('OW-1', '[{"id": "1", "tenantArticleId": "own", "quantity": 1},
                               {"id": "2", "tenantArticleId": "own", "quantity": 1}]');
SELECT is(pg_temp.plan_picks('OW-1'), 'WAITING@-{own:1,own:1}', 'split off, 1 of 2: the router waits whole');
SELECT is(pg_temp.queue('own'), 'OW-1#1:WAITING_FOR_OTHER_ITEMS OW-1#2:WAITING_FOR_OTHER_ITEMS',
          'the view: no earlier order holds it back, the order waits whole');
SELECT is((SELECT array_agg(q.ahead ORDER BY q.line_id) FROM waitroom.waiting_queue('default', '{own}') q),
          '{0,0}'::bigint[], 'waiting_queue: nothing ahead of either line of the first plan');

-- STRICT_FIFO held back: two waits, then 1 arrives. SH-1 (2) cannot take it, SH-2 (1) must not.
SELECT pg_temp.offer('wq1', 'held', 0, 'BACKORDER');
SELECT pg_temp.place_one('SH-1', '2026-01-01', 'held', 2);
SELECT pg_temp.place_one('SH-2', '2026-01-02', 'held', 1);
UPDATE waitroom.stock SET on_hand = 1 WHERE facility_ref = 'wq1' AND tenant_article_id = 'held';
SELECT is(pg_temp.plan_picks('SH-2'), 'WAITING@-{held:1}', 'STRICT_FIFO: the later plan is held back');
SELECT is(pg_temp.queue('held'), 'SH-1#1:BACKORDER_NO_STOCK SH-2#2:QUEUED_BEHIND_EARLIER_ORDERS',
          'the view says why each waits');
SELECT is((SELECT array_agg(q.ahead ORDER BY q.queue_rank) FROM waitroom.waiting_queue('default', '{held}') q),
          '{0,2}'::bigint[], 'waiting_queue: SH-2 has 2 ahead');
-- A new order of a later date queues behind both; one of an earlier date in front.
SELECT pg_temp.place_one('SH-3', '2026-01-03', 'nowhere', 1);
SELECT is((SELECT array_agg(q.ahead) FROM waitroom.waiting_queue('default', '{held}', NULL, pg_temp.order_of('SH-3')) q WHERE q.probe),
          '{3}'::bigint[], 'held back from a new order: every waiting plan of an earlier date');
SELECT is((SELECT array_agg(q.ahead) FROM waitroom.waiting_queue('default', '{held}', ARRAY[pg_temp.plan_of('SH-2', 'WAITING')]) q WHERE q.probe),
          '{2}'::bigint[], 'held back from a waiting plan: what waits ahead of it (its own lines left out)');

-- ---------------------------------------------------------------- one order for the pass and the view
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY', order_split_active = true;
SELECT pg_temp.offer('wq1', 'prio', 0, 'BACKORDER');
SELECT pg_temp.place_one('PR-1', '2026-01-01', 'prio', 1, 0);
SELECT pg_temp.place_one('PR-2', '2026-01-02', 'prio', 1, 5);
SELECT pg_temp.place_one('PR-3', '2026-01-03', 'prio', 1, 5);
SELECT is(pg_temp.queue('prio'), 'PR-2#1:BACKORDER_NO_STOCK PR-3#2:BACKORDER_NO_STOCK PR-1#3:BACKORDER_NO_STOCK',
          'PRIORITY: higher priority first, then order_date');
UPDATE waitroom.stock SET on_hand = 2 WHERE facility_ref = 'wq1' AND tenant_article_id = 'prio';
SELECT is(pg_temp.plan_picks('PR-1'), 'WAITING@-{prio:1}', 'the pass serves in the same order: PR-1 still waits');
SELECT is(pg_temp.plan_picks('PR-2') || ' ' || pg_temp.plan_picks('PR-3'),
          'ROUTED@wq1{prio:1(1+0)} ROUTED@wq1{prio:1(1+0)}', 'PR-2 and PR-3 served');

-- ---------------------------------------------------------------- candidacy: one definition
SELECT pg_temp.offer('wq1', 'cand', 4);
SELECT pg_temp.offer('wq2', 'cand', 4, status => 'INACTIVE');
SELECT pg_temp.offer('wq_off', 'cand', 4);
SELECT pg_temp.offer('wq2', 'cand2', 4, 'PREORDER', preorder_from => now() + interval '1 day');
SELECT is((SELECT string_agg(c.facility_ref || '/' || c.tenant_article_id || '=' || c.available, ' '
                             ORDER BY c.tenant_article_id, c.facility_ref)
             FROM waitroom.candidate_offer('default', '{cand,cand2}', now()) c),
          'wq1/cand=4 wq2/cand2=0', 'candidate_offer: ONLINE and ACTIVE only; a future PREORDER is available 0');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');
SELECT * FROM finish();
ROLLBACK;
