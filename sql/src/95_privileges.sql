-- ---------------------------------------------------------------- roles and privileges
-- Who may do what (SECURITY.md has the table and the threat model). Everything of waitroom is
-- the extension owner's; three NOLOGIN roles carry what apps, DBAs and waitroomd need, and a
-- login role is granted one of them. Roles belong to the cluster, not the database: they are
-- created when missing and are the one thing DROP EXTENSION leaves behind.
--   waitroom_app     places, cancels, re-routes and assigns orders; maintains facilities,
--                    listings and stock on_hand; reads its orders and the waiting room.
--   waitroom_reader  reads every table and view, except subscription secrets and headers;
--                    runs check_invariants().
--   waitroom_daemon  runs waitroomd: claims, acknowledges and fails deliveries, reads the
--                    backlog, releases due pre-orders, purges delivered events.
-- Nobody else gets anything: no schema USAGE, no EXECUTE (functions default to PUBLIC).
-- What changes plans, pick jobs, reservations and events runs as the owner (SECURITY
-- DEFINER, with its search_path pinned), so no grantee needs to write those tables.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['waitroom_app', 'waitroom_reader', 'waitroom_daemon'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON SCHEMA waitroom FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA waitroom FROM PUBLIC;
GRANT USAGE ON SCHEMA waitroom TO waitroom_app, waitroom_reader, waitroom_daemon;

-- Entry points that write what no grantee may write directly.
-- Tenants (SPEC §7): each SPEC §2 function has a twin taking the tenant last (20-36); both
-- are entry points. The outbox's functions take their tenant as an optional last argument.
ALTER FUNCTION place_order(jsonb) SECURITY DEFINER;
ALTER FUNCTION place_order(jsonb, text) SECURITY DEFINER;
ALTER FUNCTION cancel_order(uuid, jsonb) SECURITY DEFINER;
ALTER FUNCTION cancel_order(uuid, jsonb, text) SECURITY DEFINER;
ALTER FUNCTION reroute(uuid) SECURITY DEFINER;
ALTER FUNCTION reroute(uuid, text) SECURITY DEFINER;
ALTER FUNCTION reroute_all() SECURITY DEFINER;
ALTER FUNCTION reroute_all(text) SECURITY DEFINER;
ALTER FUNCTION assign_facility(uuid, text, jsonb) SECURITY DEFINER;
ALTER FUNCTION assign_facility(uuid, text, jsonb, text) SECURITY DEFINER;
ALTER FUNCTION release_due(timestamptz) SECURITY DEFINER;
ALTER FUNCTION release_due(timestamptz, text) SECURITY DEFINER;
ALTER FUNCTION claim_deliveries(bool, text, int, int, text) SECURITY DEFINER;
ALTER FUNCTION ack_deliveries(text[], bigint[], text, text[]) SECURITY DEFINER;
ALTER FUNCTION fail_delivery(text, bigint, text, interval, int, text, text) SECURITY DEFINER;
ALTER FUNCTION outbox_backlog(bool, text) SECURITY DEFINER;
ALTER FUNCTION purge_delivered(interval, int) SECURITY DEFINER;
-- Triggers that serve the waiting room when an app raises stock or changes the network.
ALTER FUNCTION _stock_changed() SECURITY DEFINER;
ALTER FUNCTION _listing_changed() SECURITY DEFINER;
ALTER FUNCTION _facility_changed() SECURITY DEFINER;

-- ---------------------------------------------------------------- waitroom_app
GRANT EXECUTE ON FUNCTION place_order(jsonb), cancel_order(uuid, jsonb), reroute(uuid),
    reroute_all(), assign_facility(uuid, text, jsonb), order_json(uuid) TO waitroom_app;
GRANT EXECUTE ON FUNCTION place_order(jsonb, text), cancel_order(uuid, jsonb, text),
    reroute(uuid, text), reroute_all(text), assign_facility(uuid, text, jsonb, text),
    order_json(uuid, text) TO waitroom_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON facility, listing TO waitroom_app;
-- on_hand only: `reserved` is waitroom's. No DELETE: a row may hold reservations.
GRANT SELECT, INSERT (facility_ref, tenant_article_id, on_hand, tenant_id), UPDATE (on_hand)
    ON stock TO waitroom_app;
GRANT SELECT ON routing_strategy, orders, order_line, routing_plan, routing_plan_line,
    pick_job, pick_line, waiting_room TO waitroom_app;

-- ---------------------------------------------------------------- waitroom_reader
GRANT EXECUTE ON FUNCTION order_json(uuid), order_json(uuid, text),
    check_invariants(bool, bool, timestamptz)
    TO waitroom_reader;
GRANT SELECT ON facility, listing, stock, routing_strategy, orders, order_line, routing_plan,
    routing_plan_line, pick_job, pick_line, event, reroute_queue, delivery, outbox_setting,
    waiting_room, dead_letter, outbox_status, stats TO waitroom_reader;
GRANT SELECT (subscription_id, kind, events, url, max_attempts, active, created_at)
    ON subscription TO waitroom_reader;
-- waitroom's locks (34_lock_protocol.sql): the view calls lock_tags() as its reader.
GRANT EXECUTE ON FUNCTION lock_tags(), article_lock_bucket(text, text) TO waitroom_reader;
GRANT SELECT ON lock_holders TO waitroom_reader;

-- The waiting_room view calls these as its reader (31_waiting_queue.sql); they only read.
GRANT EXECUTE ON FUNCTION candidate_offer(text, text[], timestamptz),
    waiting_queue(text, text[], uuid[], uuid) TO waitroom_app, waitroom_reader;

-- ---------------------------------------------------------------- waitroom_daemon
GRANT EXECUTE ON FUNCTION claim_deliveries(bool, text, int, int, text),
    ack_deliveries(text[], bigint[], text, text[]),
    fail_delivery(text, bigint, text, interval, int, text, text),
    outbox_backlog(bool, text), release_due(timestamptz), release_due(timestamptz, text),
    purge_delivered(interval, int) TO waitroom_daemon;
-- On Citus (docs/scaling.md): which tenants to claim for, which workers to LISTEN on, and
-- release_due(at, tenant) for every tenant.
-- The tenants' names only: as the owner, like claim_deliveries.
ALTER FUNCTION pending_delivery_tenants(bool, text) SECURITY DEFINER;
ALTER FUNCTION tenant_ids() SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION pending_delivery_tenants(bool, text), daemon_nodes(), tenant_ids()
    TO waitroom_daemon;

-- ---------------------------------------------------------------- waitroomd metrics (issue 12)
-- /metrics: the waiting-room gauges (stats; the ROUTED/CANCELLED estimates read pg_stats,
-- which shows a column's statistics only to who may read it), lag per subscription
-- (outbox_backlog() per subscription: the names and whether paused), waiting lines per
-- reason and the delivery latency (72_metrics.sql).
ALTER FUNCTION waiting_lines_by_reason() SECURITY DEFINER;
ALTER FUNCTION event_ages(bigint[], text[]) SECURITY DEFINER;
ALTER FUNCTION stats_gauges() SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION waiting_lines_by_reason(), event_ages(bigint[], text[]), stats_gauges()
    TO waitroom_daemon;
GRANT SELECT ON stats TO waitroom_daemon;
GRANT SELECT (subscription_id, active) ON subscription TO waitroom_daemon;
GRANT SELECT (status) ON routing_plan TO waitroom_daemon;

-- ---------------------------------------------------------------- waitroomd dashboard (issue 12)
-- The page on waitroomd's HTTP port (docs/dashboard.md) reads what it shows through these two
-- functions (74_dashboard.sql), run as the owner: the daemon's role reads no table or view for
-- it, and the waiting_room view's inner reads need no grant of their own.
REVOKE EXECUTE ON FUNCTION dashboard_summary(), dashboard_queues(int, int) FROM PUBLIC;
ALTER FUNCTION dashboard_summary() SECURITY DEFINER;
ALTER FUNCTION dashboard_queues(int, int) SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION dashboard_summary(), dashboard_queues(int, int) TO waitroom_daemon;

-- ---------------------------------------------------------------- redeliver (issue 12, 9a)
-- A DBA's decision, like retry_dead_letter and discard_dead_letter: no role is granted it (the
-- owner or a superuser runs it; waitroomd never re-queues on its own).
REVOKE EXECUTE ON FUNCTION redeliver(text, bigint, bigint, boolean, text) FROM PUBLIC;

-- ---------------------------------------------------------------- explain (issue 12, 5a)
-- Apps and DBAs read why an order waits; explain() runs as its caller (it only reads what
-- both roles may read anyway), and nobody but the decision writer writes the log.
-- _decision_log() expands a stored log for explain(), as its caller; it only computes.
GRANT EXECUTE ON FUNCTION explain(uuid), explain(uuid, text), _decision_log(jsonb)
    TO waitroom_app, waitroom_reader;
GRANT SELECT ON routing_decision TO waitroom_app, waitroom_reader;
