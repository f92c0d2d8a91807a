-- Tables of the waiting room (30_waiting_room.sql) and of explain (36_explain.sql). Tables
-- live in sql/src/1*.sql, routines and views in sql/src/[2-9]*.sql: an upgrade remakes the
-- routines from those pieces and migrates the tables by hand (Makefile, ROUTINE_SRCS).

-- Articles whose waiting plans a pass could not serve now: it could not lock them (another
-- transaction held a stock row, a plan, or the article), so it did not wait into a lock
-- cycle. Drained by the next stock pass, by release_due() (waitroomd's timer) and by
-- reroute_all(); draining looks the waiting plans up afresh, so a plan committed after the
-- deferral is served too.
-- No unique key: enqueueing must never wait for another transaction's insert of the same
-- article (a pass waits for nothing unbounded); draining de-duplicates.
-- Per tenant (SPEC §7): a drain claims one tenant's entries.
CREATE TABLE reroute_queue (
    entry_id          bigint GENERATED ALWAYS AS IDENTITY,
    tenant_article_id text NOT NULL,
    enqueued_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    tenant_id         text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, entry_id)
);
-- Deferred work survives a dump and restore (release_due drains it on the restored copy).
SELECT pg_catalog.pg_extension_config_dump('reroute_queue', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('waitroom.reroute_queue', 'entry_id')::regclass, '');

-- One row per plan, the latest decision that wrote the plan (a re-route that leaves a plan as
-- it was writes nothing, so a restock re-deciding 100,000 waiting plans adds no row; a
-- history would grow with every re-decision). Each plan a decision writes (the one that keeps
-- the id and its routed children) gets that decision's log, so a child keeps the decision that
-- made it when its parent is decided again. Rows go with their plan (ON DELETE CASCADE), are
-- user data for pg_dump, and DROP EXTENSION drops the table.
CREATE TABLE routing_decision (
    routing_plan_id uuid NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    log             json NOT NULL,
    tenant_id       text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, routing_plan_id),
    FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE
);
SELECT pg_catalog.pg_extension_config_dump('routing_decision', '');
