-- As the owner: the whole privilege matrix from the catalog, so that a new function or
-- table that forgets its grants (or gets too many) fails here.
BEGIN;
SELECT plan(14);

CREATE FUNCTION pg_temp.executable(r name) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
   WHERE p.pronamespace = 'waitroom'::regnamespace AND has_function_privilege(r, p.oid, 'EXECUTE') $$;
CREATE FUNCTION pg_temp.writable(r name) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT c.relname || ':' || w FROM pg_catalog.pg_class c
   CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) w
   WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind IN ('r', 'v', 'S')
     AND (has_table_privilege(r, c.oid, w)
          OR (w IN ('INSERT', 'UPDATE', 'REFERENCES') AND has_any_column_privilege(r, c.oid, w))) $$;

SELECT set_eq($$SELECT pg_temp.executable('waitroom_app')$$,
  ARRAY['waitroom.place_order(jsonb)', 'waitroom.cancel_order(uuid,jsonb)', 'waitroom.reroute(uuid)',
        'waitroom.reroute_all()', 'waitroom.assign_facility(uuid,text,jsonb)', 'waitroom.order_json(uuid)',
        'waitroom.explain(uuid)', 'waitroom._decision_log(jsonb)',
        -- the twins taking the tenant last (SPEC §7)
        'waitroom.place_order(jsonb,text)', 'waitroom.cancel_order(uuid,jsonb,text)', 'waitroom.reroute(uuid,text)',
        'waitroom.reroute_all(text)', 'waitroom.assign_facility(uuid,text,jsonb,text)', 'waitroom.order_json(uuid,text)',
        'waitroom.explain(uuid,text)',
        -- read-only: the waiting_room view calls them as its reader (31_waiting_queue.sql)
        'waitroom.candidate_offer(text,text[],timestamp with time zone)',
        'waitroom.waiting_queue(text,text[],uuid[],uuid)'],
  'waitroom_app executes the order API and the waiting_room view''s read-only functions only');
SELECT set_eq($$SELECT pg_temp.executable('waitroom_reader')$$,
  ARRAY['waitroom.order_json(uuid)', 'waitroom.check_invariants(boolean,boolean,timestamp with time zone)',
        'waitroom.explain(uuid)', 'waitroom._decision_log(jsonb)', 'waitroom.lock_tags()', 'waitroom.article_lock_bucket(text,text)',
        'waitroom.order_json(uuid,text)', 'waitroom.explain(uuid,text)',
        'waitroom.candidate_offer(text,text[],timestamp with time zone)',
        'waitroom.waiting_queue(text,text[],uuid[],uuid)'],
  'waitroom_reader executes order_json, check_invariants and read-only functions only');
SELECT set_eq($$SELECT pg_temp.executable('waitroom_daemon')$$,
  ARRAY['waitroom.claim_deliveries(boolean,text,integer,integer,text)', 'waitroom.ack_deliveries(text[],bigint[],text,text[])',
        'waitroom.fail_delivery(text,bigint,text,interval,integer,text,text)', 'waitroom.outbox_backlog(boolean,text)',
        'waitroom.release_due(timestamp with time zone)', 'waitroom.release_due(timestamp with time zone,text)',
        'waitroom.purge_delivered(interval,integer)',
        -- /metrics (72_metrics.sql)
        'waitroom.waiting_lines_by_reason()', 'waitroom.event_ages(bigint[],text[])',
        -- the dashboard (74_dashboard.sql)
        'waitroom.dashboard_summary()', 'waitroom.dashboard_queues(integer,integer)',
        -- on Citus (docs/scaling.md, waitroomd on a cluster)
        'waitroom.pending_delivery_tenants(boolean,text)', 'waitroom.daemon_nodes()',
        'waitroom.tenant_ids()', 'waitroom.stats_gauges()'],
  'waitroom_daemon executes what waitroomd calls only');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                   LEFT JOIN LATERAL aclexplode(p.proacl) a ON true
                  WHERE p.pronamespace = 'waitroom'::regnamespace AND (p.proacl IS NULL OR a.grantee = 0)$$,
  'no function of waitroom is executable by PUBLIC');
SELECT set_eq($$SELECT pg_temp.writable('waitroom_app')$$,
  ARRAY['facility:INSERT', 'facility:UPDATE', 'facility:DELETE', 'listing:INSERT', 'listing:UPDATE',
        'listing:DELETE', 'stock:INSERT', 'stock:UPDATE'],
  'waitroom_app writes facilities, listings and stock only');
SELECT set_eq($$SELECT c.attname::text FROM pg_catalog.pg_attribute c
                 WHERE c.attrelid = 'waitroom.stock'::regclass AND c.attnum > 0 AND NOT c.attisdropped
                   AND has_column_privilege('waitroom_app', c.attrelid, c.attnum, 'UPDATE')$$,
  ARRAY['on_hand'], 'of stock, waitroom_app updates on_hand only');
SELECT is_empty($$SELECT pg_temp.writable('waitroom_reader')$$, 'waitroom_reader writes nothing');
SELECT is_empty($$SELECT pg_temp.writable('waitroom_daemon')$$, 'waitroom_daemon writes no table directly');
-- What waitroomd reads (rel.* = every column): /metrics (95_privileges.sql). The dashboard reads
-- through its SECURITY DEFINER functions (74_dashboard.sql), so nothing here.
SELECT set_eq($$WITH col AS (
                  SELECT c.relname::text AS rel, a.attname::text AS att,
                         has_column_privilege('waitroom_daemon', c.oid, a.attnum, 'SELECT') AS can
                    FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind IN ('r', 'v', 'm')),
                rel AS (SELECT rel, bool_and(can) AS whole FROM col GROUP BY rel)
                SELECT rel || '.*' FROM rel WHERE whole
                UNION ALL
                SELECT col.rel || '.' || col.att FROM col JOIN rel USING (rel) WHERE col.can AND NOT rel.whole$$,
  ARRAY['stats.*', 'subscription.subscription_id', 'subscription.active', 'routing_plan.status'],
  'waitroom_daemon reads what /metrics reads only (the dashboard reads through its functions)');
SELECT is_empty($$SELECT c.relname::text FROM pg_catalog.pg_class c
                   WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind IN ('r', 'v')
                     AND c.relname <> 'subscription' AND NOT has_table_privilege('waitroom_reader', c.oid, 'SELECT')$$,
  'waitroom_reader reads every table and view but subscription');
SELECT set_eq($$SELECT c.attname::text FROM pg_catalog.pg_attribute c
                 WHERE c.attrelid = 'waitroom.subscription'::regclass AND c.attnum > 0 AND NOT c.attisdropped
                   AND NOT has_column_privilege('waitroom_reader', c.attrelid, c.attnum, 'SELECT')$$,
  ARRAY['secret', 'headers'], 'of subscription, waitroom_reader reads all but secret and headers');
SELECT ok(NOT has_schema_privilege('stranger', 'waitroom', 'USAGE'), 'a stranger has no USAGE on the schema');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'waitroom'::regnamespace AND p.prokind <> 'p'
                    AND NOT coalesce(p.proconfig[1] ~ '^search_path=.*pg_temp$', false)$$,
  'every function pins search_path, with pg_temp last');
-- A procedure that commits cannot pin one (no SET clause): it runs as its caller, and no role
-- but the owner may run it (suite 26 runs each under a hostile search_path).
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'waitroom'::regnamespace AND p.prokind = 'p'
                    AND (p.prosecdef OR p.proacl IS NULL
                         OR EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee <> p.proowner))$$,
  'every procedure runs as its caller, executable by its owner only');

SELECT * FROM finish();
ROLLBACK;
