-- The reader's part of the hijack workload (test/suites/26-search-path.sh): a login granted
-- waitroom_reader reads every view and an order, under the hijacker's search_path. Qualified
-- throughout, like app.sql.
\set QUIET 1
SELECT pg_catalog.count(*) AS waiting_lines FROM waitroom.waiting_room;
SELECT pg_catalog.count(*) AS dead_letters FROM waitroom.dead_letter;
SELECT pg_catalog.count(*) AS subscriptions FROM waitroom.outbox_status;
SELECT waitroom.order_json(o.order_id) IS NOT NULL AS order_json
  FROM waitroom.orders o WHERE o.tenant_order_id OPERATOR(pg_catalog.=) 'SP-SPLIT';
SELECT waitroom.explain(o.order_id) IS NOT NULL AS explained
  FROM waitroom.orders o WHERE o.tenant_order_id OPERATOR(pg_catalog.=) 'SP-SPLIT';
SELECT waitroom.order_json(o.order_id, 'default') IS NOT NULL AS order_json_twin
  FROM waitroom.orders o WHERE o.tenant_order_id OPERATOR(pg_catalog.=) 'SP-SPLIT';
SELECT waitroom.explain(o.order_id, 'default') IS NOT NULL AS explained_twin
  FROM waitroom.orders o WHERE o.tenant_order_id OPERATOR(pg_catalog.=) 'SP-SPLIT';
