-- The waiting room (SPEC §4): triggers that wake it, the manual actions, the DBA view.

-- Articles whose waiting plans a pass could not serve now: it could not lock them (another
-- transaction held a stock row, a plan, or the article), so it did not wait into a lock
-- cycle. Drained by the next stock pass, by release_due() (waitroomd's timer) and by
-- reroute_all(); draining looks the waiting plans up afresh, so a plan committed after the
-- deferral is served too.
-- No unique key: enqueueing must never wait for another transaction's insert of the same
-- article (a pass waits for nothing unbounded); draining de-duplicates.
CREATE TABLE reroute_queue (
    entry_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_article_id text NOT NULL,
    enqueued_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Deferred work survives a dump and restore (release_due drains it on the restored copy).
SELECT pg_catalog.pg_extension_config_dump('reroute_queue', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('waitroom.reroute_queue', 'entry_id')::regclass, '');

-- Row triggers note each row whose availability rose; the statement trigger then runs one
-- pass for the statement, however many rows: a nightly import of 10,000 rows re-routes once.
-- Inserts: an AFTER trigger whose WHEN leaves rows without stock uncalled (and lets COPY batch).
-- Updates: a BEFORE trigger in C that compares the row itself (extension/pg/stock_trigger.cpp:
-- much cheaper per statement than an AFTER trigger with that test as its WHEN). BEFORE
-- triggers fire in name order; "zz_" makes it the last, so it sees the row as it is written.
-- Every function pins its search_path, these too: the statement trigger's pass parses SQL,
-- and under the caller's path an operator or function planted in an earlier schema would run
-- with its rights. The pass runs as the extension owner (95_privileges.sql).
CREATE FUNCTION _stock_row_raised() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_row_raised' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _stock_row_updating() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_row_updating' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _stock_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_stock_changed' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;

CREATE TRIGGER stock_row_inserted AFTER INSERT ON stock
    FOR EACH ROW WHEN (NEW.on_hand > NEW.reserved)
    EXECUTE FUNCTION _stock_row_raised();
CREATE TRIGGER zz_stock_row_updating BEFORE UPDATE ON stock
    FOR EACH ROW EXECUTE FUNCTION _stock_row_updating();
CREATE TRIGGER stock_changed AFTER INSERT OR UPDATE ON stock
    FOR EACH STATEMENT EXECUTE FUNCTION _stock_changed();

CREATE FUNCTION _reactivate(articles jsonb) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reactivate'
LANGUAGE C STRICT VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;

-- Listing changes (status, behaviour, pre-order time) can serve waiting plans too.
CREATE FUNCTION _listing_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    PERFORM _reactivate(jsonb_agg(DISTINCT n.tenant_article_id))
       FROM new_rows n
      WHERE n.status = 'ACTIVE'
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_inserted AFTER INSERT ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();
CREATE TRIGGER listing_updated AFTER UPDATE ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();

CREATE FUNCTION _facility_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    PERFORM _reactivate(jsonb_agg(DISTINCT l.tenant_article_id))
       FROM new_rows n
       JOIN listing l ON l.facility_ref = n.facility_ref
      WHERE n.status = 'ONLINE'
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER facility_updated AFTER UPDATE ON facility
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _facility_changed();

-- A change of the routing strategy (leaving STRICT_FIFO, turning the split on, a higher
-- max_split_count, the waiting room on or off) can serve waiting plans: the statement serves
-- the whole waiting room under the new strategy, as a pass (what it cannot serve stays
-- WAITING). Before it writes, it waits for every decision made under the old strategy
-- (extension/pg/lock_protocol.cpp, the strategy lock), so none of them is left waiting after
-- this pass; decisions that start meanwhile wait for its commit and read the new strategy.
CREATE FUNCTION _strategy_changing() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_strategy_changing' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
-- A pass over the whole waiting room costs what reroute_all() does, so only a change that can
-- serve more runs one: FIFO <-> PRIORITY or a move to STRICT_FIFO serves nothing new (first
-- fit in any order leaves waiting only what exceeds availability), anything else may.
CREATE FUNCTION _strategy_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT EXISTS (
           SELECT FROM old_rows o, new_rows n
            WHERE (o.complete_stock_fence_active, o.complete_stock_fence_mode, o.order_split_active,
                   o.max_split_count, o.use_waiting_room_for_pre_back_order_items)
                  IS DISTINCT FROM
                  (n.complete_stock_fence_active, n.complete_stock_fence_mode, n.order_split_active,
                   n.max_split_count, n.use_waiting_room_for_pre_back_order_items)
               OR (o.waiting_room_priority = 'STRICT_FIFO' AND n.waiting_room_priority <> 'STRICT_FIFO')) THEN
        RETURN NULL;
    END IF;
    PERFORM _reactivate(jsonb_agg(DISTINCT w.tenant_article_id))
       FROM routing_plan_line w
      WHERE w.waiting
     HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER strategy_changing BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changing();
CREATE TRIGGER strategy_inserted AFTER INSERT ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();
CREATE TRIGGER strategy_changed AFTER UPDATE ON routing_strategy
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();

CREATE FUNCTION _reroute(order_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_reroute' LANGUAGE C STRICT VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION reroute(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _reroute(order_id::text);
END $$;

CREATE FUNCTION reroute_all() RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reroute_all' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

CREATE FUNCTION _release_due(at text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_release_due' LANGUAGE C STRICT VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION release_due(at timestamptz DEFAULT now()) RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT _release_due(coalesce(at, now())::text) $$;

CREATE FUNCTION _assign_facility(routing_plan_id text, facility_ref text, lines jsonb) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_assign_facility' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF routing_plan_id IS NULL THEN
        RAISE EXCEPTION 'routing_plan_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF facility_ref IS NULL THEN
        RAISE EXCEPTION 'facility_ref is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _assign_facility(routing_plan_id::text, facility_ref, lines);
END $$;

-- The waiting_room view: sql/src/31_waiting_queue.sql, beside the queue it shows.
