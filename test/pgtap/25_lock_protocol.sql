-- The lock protocol as SQL sees it (extension/pg/lock_protocol.cpp): waitroom.lock_strategy
-- refuses a value it does not know; waitroom's lock tags (lock_tags(), article_lock_bucket())
-- and their holders (the lock_holders view) come from the C that takes the locks, so no test or
-- DBA query spells a class, bucket or tag of its own.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(21);

\ir lib/helpers.psql

-- ---------------------------------------------------------------- waitroom.lock_strategy
-- CREATE EXTENSION loaded the module (its C functions are checked at creation), so the
-- setting is defined here, not a placeholder.
SELECT throws_ok($$SET LOCAL waitroom.lock_strategy = 'typo'$$, '22023',
  'invalid value for parameter "waitroom.lock_strategy": "typo"',
  'a value lock_strategy does not know is an error');
SELECT throws_ok($$SET LOCAL waitroom.lock_strategy = 'all-candidates'$$, '22023', NULL,
  'so is a near miss');
SELECT is(current_setting('waitroom.lock_strategy'), 'optimistic', 'and the setting stays as it was');
SET LOCAL waitroom.lock_strategy = 'all_candidates';
SELECT is(current_setting('waitroom.lock_strategy'), 'all_candidates', 'all_candidates is a value');
RESET waitroom.lock_strategy;
SELECT is(current_setting('waitroom.lock_strategy'), 'optimistic', 'optimistic is the default');
SELECT is((SELECT enumvals FROM pg_settings WHERE name = 'waitroom.lock_strategy'),
  '{optimistic,all_candidates}'::text[], 'pg_settings lists the two strategies');

-- ---------------------------------------------------------------- the tags
SELECT results_eq(
  $$SELECT kind, count(bucket)::int, min(bucket), max(bucket) FROM waitroom.lock_tags()
     GROUP BY kind ORDER BY kind$$,
  $$VALUES ('pass', 1024, 0, 1023), ('strategy', 0, NULL, NULL), ('waiting', 1024, 0, 1023)$$,
  'a waiting and a pass lock for each of 1024 buckets, and one strategy lock');
SELECT is((SELECT count(DISTINCT (classid, objid, objsubid)) FROM waitroom.lock_tags()), 2049::bigint,
  'each tag names one lock');
SELECT is_empty($$SELECT * FROM waitroom.lock_tags() WHERE objsubid IN (1, 2)$$,
  'no tag is in the key space of pg_advisory_lock* (objsubid 1: bigint key, 2: two int4 keys)');
SELECT is(waitroom.article_lock_bucket('default', NULL), NULL, 'no article, no bucket');

-- ---------------------------------------------------------------- the holders, from the locks the C takes
-- Set up with the triggers off: a listing change runs a pass, which would take locks.
ALTER TABLE waitroom.facility DISABLE TRIGGER USER;
ALTER TABLE waitroom.listing DISABLE TRIGGER USER;
ALTER TABLE waitroom.stock DISABLE TRIGGER USER;
INSERT INTO waitroom.facility (facility_ref) VALUES ('fa');
SELECT pg_temp.offer('fa', 'sku-' || a, 0, 'BACKORDER') FROM generate_series(1, 3) a;
SELECT pg_temp.offer('fa', 'sku-wait', 0, 'BACKORDER');
ALTER TABLE waitroom.facility ENABLE TRIGGER USER;
ALTER TABLE waitroom.listing ENABLE TRIGGER USER;
ALTER TABLE waitroom.stock ENABLE TRIGGER USER;
CREATE FUNCTION pg_temp.held() RETURNS SETOF text LANGUAGE sql AS $$
  SELECT kind || ':' || coalesce(bucket::text, '-') || ':' || mode || ':' || granted
    FROM waitroom.lock_holders WHERE pid = pg_backend_pid() $$;
SELECT is_empty($$SELECT pg_temp.held()$$, 'no waitroom lock held yet');

-- A restock nobody waits for takes each raised article's waiting lock, exclusive.
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id IN ('sku-1', 'sku-2', 'sku-3');
SELECT set_eq($$SELECT pg_temp.held()$$,
  $$SELECT DISTINCT 'waiting:' || waitroom.article_lock_bucket('default', a) || ':ExclusiveLock:true'
      FROM unnest(ARRAY['sku-1', 'sku-2', 'sku-3']) a$$,
  'a restock holds the waiting lock of each raised article''s bucket (article_lock_bucket)');

-- A decision that leaves a line waiting holds the strategy lock and the line's waiting lock
-- shared (added to what the restock holds).
SELECT pg_temp.place_one('w1', '2026-01-01T10:00:00Z', 'sku-wait', 1);
SELECT is(pg_temp.line_state('w1'), '1:0/0/1/0/0', 'w1 waits');
SELECT set_eq($$SELECT pg_temp.held() EXCEPT
                SELECT 'waiting:' || waitroom.article_lock_bucket('default', a) || ':ExclusiveLock:true'
                  FROM unnest(ARRAY['sku-1', 'sku-2', 'sku-3']) a$$,
  $$VALUES ('strategy:-:ShareLock:true'),
           ('waiting:' || waitroom.article_lock_bucket('default', 'sku-wait') || ':ShareLock:true')$$,
  'a decision to wait holds the strategy lock and its article''s waiting lock, shared');

-- A change of the strategy takes the strategy lock exclusive (it waits for every decision).
UPDATE waitroom.routing_strategy SET waiting_room_priority = waiting_room_priority;
SELECT ok('strategy:-:ExclusiveLock:true' IN (SELECT pg_temp.held()),
  'a change of the strategy holds the strategy lock, exclusive');

-- ---------------------------------------------------------------- subtransactions (spi::in_subtransaction)
-- A bounded lock attempt (the pass above, serving w1 once sku-wait is restocked) restores
-- lock_timeout when it keeps its work.
SET LOCAL lock_timeout = '7s';
UPDATE waitroom.stock SET on_hand = 1 WHERE tenant_article_id = 'sku-wait';
SELECT is(pg_temp.line_state('w1'), '1:1/0/0/0/0', 'the restock routes w1');
SELECT is(current_setting('lock_timeout'), '7s', 'and lock_timeout is what it was');
-- A statement that fails analysis is undone in its subtransaction; the next is analyzed.
SELECT results_eq(
  $$SELECT kind FROM waitroom._routines_used('SELECT no_such_function(1); SELECT 1 = 1')$$,
  $$VALUES ('error'), ('operator')$$,
  '_routines_used: an error row for the failed statement, then the next statement''s routines');

-- ---------------------------------------------------------------- who reads them
SELECT ok(has_table_privilege('waitroom_reader', 'waitroom.lock_holders', 'SELECT')
          AND NOT has_table_privilege('waitroom_app', 'waitroom.lock_holders', 'SELECT'),
  'a reader reads lock_holders, an app does not');
SET LOCAL ROLE waitroom_reader;
SELECT lives_ok($$SELECT * FROM waitroom.lock_holders$$, 'the reader can read it (and every function it calls)');
SELECT lives_ok($$SELECT waitroom.article_lock_bucket('default', 'sku-1')$$, 'and look up an article''s bucket');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
