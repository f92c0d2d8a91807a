-- waitroom_pgtap's own contract (suite 24): what given_network makes and rejects, what
-- plans_are rejects, pinned search_path, who may use it, and that DROP EXTENSION leaves nothing.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS waitroom;
SELECT plan(32);

-- Everything in the catalog but temp objects; kept before the extension is created.
CREATE FUNCTION pg_temp.objects_now() RETURNS SETOF text LANGUAGE sql AS $$
  WITH temp_schema AS (SELECT oid FROM pg_namespace WHERE nspname ~ '^pg_(toast_)?temp')
  SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE n.oid NOT IN (SELECT oid FROM temp_schema)
  UNION ALL SELECT 'function ' || p.oid::regprocedure FROM pg_proc p
   WHERE p.pronamespace NOT IN (SELECT oid FROM temp_schema)
  UNION ALL SELECT 'relation ' || c.oid::regclass FROM pg_class c
   WHERE c.relnamespace NOT IN (SELECT oid FROM temp_schema)
  UNION ALL SELECT 'type ' || t.oid::regtype FROM pg_type t
   WHERE t.typnamespace NOT IN (SELECT oid FROM temp_schema)
  UNION ALL SELECT 'extension ' || e.extname FROM pg_extension e $$;
CREATE TEMP TABLE before_objects AS SELECT o FROM pg_temp.objects_now() o;

CREATE EXTENSION waitroom_pgtap;

-- ---------------------------------------------------------------- given_network makes
SELECT is(waitroom_pgtap.given_network('{
  "F1": {"stock": {"a": 5, "b": 0}, "listings": {"b": "BACKORDER", "c": "INACTIVE"}},
  "F2": {"status": "OFFLINE", "name": "Munich", "lat": 48.1, "lon": 11.6,
         "listings": {"p": {"behaviour": "PREORDER", "availableFrom": "2030-01-01T00:00:00Z"}}},
  "F3": {}
}'), '# given_network: facilities 3, listings 4, stock rows 2', 'given_network says what it made, as a TAP comment');
SELECT results_eq($$SELECT facility_ref, name, status, lat, lon FROM waitroom.facility ORDER BY 1$$,
  $$VALUES ('F1', NULL::text, 'ONLINE', NULL::float8, NULL::float8), ('F2', 'Munich', 'OFFLINE', 48.1, 11.6),
           ('F3', NULL, 'ONLINE', NULL, NULL)$$, 'facilities: status ONLINE unless given, name and location');
SELECT results_eq($$SELECT facility_ref, tenant_article_id, status, out_of_stock_behaviour, preorder_available_from
                      FROM waitroom.listing ORDER BY 1, 2$$,
  $$VALUES ('F1', 'a', 'ACTIVE', 'NONE', NULL::timestamptz), ('F1', 'b', 'ACTIVE', 'BACKORDER', NULL),
           ('F1', 'c', 'INACTIVE', 'NONE', NULL), ('F2', 'p', 'ACTIVE', 'PREORDER', '2030-01-01T00:00:00Z')$$,
  'listings: one per article of stock or listings, ACTIVE NONE unless said otherwise');
SELECT results_eq($$SELECT facility_ref, tenant_article_id, on_hand, reserved FROM waitroom.stock ORDER BY 1, 2$$,
  $$VALUES ('F1', 'a', 5, 0), ('F1', 'b', 0, 0)$$, 'stock rows for the articles of stock only');

-- ---------------------------------------------------------------- given_network rejects
CREATE FUNCTION pg_temp.rejects(network text, pattern text, what text) RETURNS text LANGUAGE sql AS $$
  SELECT throws_like(format('SELECT waitroom_pgtap.given_network(%L)', network), pattern,
                     'given_network rejects ' || what) $$;
SELECT throws_ok($$SELECT waitroom_pgtap.given_network('[]')$$, '22023', NULL, 'given_network: 22023 for a bad shape');
SELECT pg_temp.rejects('[]', '%network: a non-empty object of facilities%', 'an array');
SELECT pg_temp.rejects('{}', '%network: a non-empty object%', 'an empty network');
SELECT pg_temp.rejects('{"X": 1}', '%X: an object expected%', 'a facility that is not an object');
SELECT pg_temp.rejects('{"X": {"stok": {}}}', '%X.stok: unknown key%', 'an unknown facility key, named');
SELECT pg_temp.rejects('{"X": {"status": "ACTIVE"}}', '%X.status: ONLINE, SUSPENDED or OFFLINE, got "ACTIVE"%', 'a bad facility status');
SELECT pg_temp.rejects('{"X": {"lat": "north"}}', '%X.lat: a number%', 'a location that is not a number');
SELECT pg_temp.rejects('{"X": {"stock": {"a": -1}}}', '%X.stock.a: an integer >= 0, got -1%', 'negative stock');
SELECT pg_temp.rejects('{"X": {"stock": {"a": "five"}}}', '%X.stock.a: an integer >= 0, got "five"%', 'stock that is not a number');
SELECT pg_temp.rejects('{"X": {"stock": {"a": 1.5}}}', '%X.stock.a: an integer%', 'fractional stock');
SELECT pg_temp.rejects('{"X": {"listings": {"a": "SOMETIMES"}}}', '%X.listings.a: NONE, BACKORDER, INACTIVE or an object%', 'an unknown listing word');
SELECT pg_temp.rejects('{"X": {"listings": {"a": "PREORDER"}}}', '%X.listings.a: a PREORDER needs its time%', 'a PREORDER without a time');
SELECT pg_temp.rejects('{"X": {"listings": {"a": {"behaviour": "PREORDER"}}}}', '%X.listings.a.availableFrom: required for a PREORDER%', 'a PREORDER object without availableFrom');
SELECT pg_temp.rejects('{"X": {"listings": {"a": {"behaviour": "PREORDER", "availableFrom": "soon"}}}}', '%X.listings.a.availableFrom: a timestamp%', 'a time that is not one');
SELECT pg_temp.rejects('{"X": {"listings": {"a": {"from": "2030-01-01"}}}}', '%X.listings.a.from: unknown key%', 'an unknown listing key');
SELECT is((SELECT count(*) FROM waitroom.facility WHERE facility_ref = 'X'), 0::bigint, 'a rejected network makes nothing');

-- ---------------------------------------------------------------- plans_are rejects
SELECT throws_like($$SELECT waitroom_pgtap.plans_are('A-1', '{}')$$, '%plans: an array of plans%', 'plans_are rejects an object');
SELECT throws_like($$SELECT waitroom_pgtap.plans_are('A-1', '[{"status": "DONE", "lines": {}}]')$$,
                   '%plans[1].status: WAITING, ROUTED, NOT_ROUTABLE or CANCELLED, got "DONE"%', 'plans_are rejects a bad status, named');
SELECT throws_like($$SELECT waitroom_pgtap.plans_are('A-1', '[{"status": "ROUTED", "lines": {"1": 0}}]')$$,
                   '%plans[1].lines.1: an integer > 0, got 0%', 'plans_are rejects a zero quantity (plans list lines > 0)');
SELECT throws_like($$SELECT waitroom_pgtap.plans_are('A-1', '[{"status": "ROUTED", "facilty": "F1"}]')$$,
                   '%plans[1].facilty: unknown key%', 'plans_are rejects a misspelt key');

-- ---------------------------------------------------------------- plans_are by order_id
CREATE TEMP TABLE placed AS
SELECT (waitroom.place_order('{"tenantOrderId": "U-1", "orderLineItems": [{"tenantArticleId": "a", "quantity": 2}]}')
        ->> 'orderId')::uuid AS order_id;
SELECT waitroom_pgtap.plans_are((SELECT order_id FROM placed),
                                '[{"status": "ROUTED", "facility": "F1", "lines": {"1": 2}}]', 'plans_are by order_id');
SELECT waitroom_pgtap.plans_are('U-1', '[{"status": "ROUTED", "facility": "F1", "lines": {"1": 2}}]');

-- ---------------------------------------------------------------- search_path and privileges
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.pronamespace = 'waitroom_pgtap'::regnamespace
                     AND NOT coalesce(p.proconfig[1] ~ ('^search_path=pg_catalog, waitroom_pgtap, waitroom, '
                                                        || (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                                                             WHERE e.extname = 'pgtap') || ', pg_temp$'), false)$$,
  'every function pins search_path: pg_catalog, its own schema, waitroom, pgTAP''s schema, pg_temp last');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.pronamespace = 'waitroom_pgtap'::regnamespace AND p.prosecdef$$,
  'no function is SECURITY DEFINER: each does only what its caller may');
SELECT ok(has_schema_privilege('public', 'waitroom_pgtap', 'USAGE'), 'the schema is usable by PUBLIC (test logins)');
SELECT ok(NOT has_schema_privilege('public', 'waitroom_pgtap', 'CREATE'), 'nobody but the owner creates in it');

-- ---------------------------------------------------------------- DROP EXTENSION
DROP EXTENSION waitroom_pgtap;
SELECT set_eq('SELECT * FROM pg_temp.objects_now()', 'SELECT o FROM before_objects',
              'DROP EXTENSION waitroom_pgtap leaves exactly what was there before it');
SELECT ok(EXISTS (SELECT FROM pg_extension WHERE extname = 'waitroom'), 'and keeps waitroom');

SELECT * FROM finish();
ROLLBACK;
