-- waitroomd's calls, made by hand (test/suites/26-search-path.sh also runs the real daemon):
-- a login granted waitroom_daemon, under the hijacker's search_path. Releases the pre-order,
-- claims from the outbox, fails one delivery (dead after one attempt), acknowledges the rest,
-- reads the backlog and purges. Two stdout lanes only: the rest, and the webhook, are left for
-- the real waitroomd. Qualified throughout, like app.sql.
\set QUIET 1
SELECT waitroom.release_due() AS released_now;
SELECT waitroom.release_due('2030-01-02') AS released;
SELECT waitroom.release_due('2030-01-03', 'default') AS released_twin;
BEGIN;
SELECT pg_catalog.array_agg(c.subscription_id) AS subs, pg_catalog.array_agg(c.event_id) AS evs,
       pg_catalog.min(c.event_id) AS failing
  FROM waitroom.claim_deliveries(false, 'stdout', 2, 100) c \gset
SELECT waitroom.fail_delivery('stdout', :failing, 'search-path: refused', '1 minute', 1, 'search-path') AS failed;
SELECT waitroom.ack_deliveries(:'subs', :'evs', 'search-path') AS acked;
COMMIT;
SELECT * FROM waitroom.outbox_backlog(true, 'stdout');
SELECT * FROM waitroom.pending_delivery_tenants(true, 'stdout');
SELECT * FROM waitroom.tenant_ids();
SELECT * FROM waitroom.daemon_nodes();
SELECT * FROM waitroom.stats_gauges();
SELECT waitroom.purge_delivered('0 seconds', 500) AS purged;
