-- waitroom schema: the objects of SPEC §1. Constraints carry the contract's rules so that
-- direct writes with bad values fail (23514 check, 23503 foreign key, 23505 unique).

\echo Use "CREATE EXTENSION waitroom" to load this file. \quit

-- The schema is the extension's own (waitroom.control installs the extension itself in
-- pg_catalog), so DROP EXTENSION drops it too. CREATE SCHEMA without IF NOT EXISTS: a schema
-- someone else made beforehand is never adopted.
CREATE SCHEMA waitroom;
SET LOCAL search_path = waitroom, pg_catalog;

-- ---------------------------------------------------------------- network and inventory

CREATE TABLE facility (
    facility_ref text PRIMARY KEY CHECK (facility_ref <> ''),
    name         text,
    status       text NOT NULL DEFAULT 'ONLINE'
                 CHECK (status IN ('ONLINE', 'SUSPENDED', 'OFFLINE')),
    lat          double precision CHECK (lat BETWEEN -90 AND 90),
    lon          double precision CHECK (lon BETWEEN -180 AND 180),
    CONSTRAINT facility_location_complete CHECK ((lat IS NULL) = (lon IS NULL))
);

CREATE TABLE listing (
    facility_ref            text NOT NULL REFERENCES facility ON UPDATE CASCADE,
    tenant_article_id       text NOT NULL CHECK (tenant_article_id <> ''),
    status                  text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    out_of_stock_behaviour  text NOT NULL DEFAULT 'NONE'
                            CHECK (out_of_stock_behaviour IN ('NONE', 'BACKORDER', 'PREORDER')),
    preorder_available_from timestamptz,
    PRIMARY KEY (facility_ref, tenant_article_id),
    CONSTRAINT listing_preorder_needs_time
        CHECK (out_of_stock_behaviour <> 'PREORDER' OR preorder_available_from IS NOT NULL)
);
-- Routing loads every listing of the order's articles at once. Covering: listings change
-- rarely, so their pages stay all-visible and the read is an index-only scan of an article's
-- few leaf entries instead of one heap page per facility.
CREATE INDEX listing_by_article ON listing (tenant_article_id)
    INCLUDE (facility_ref, status, out_of_stock_behaviour, preorder_available_from);
-- release_due() finds the pre-orders whose time has come without reading every listing.
CREATE INDEX listing_preorder_due ON listing (preorder_available_from)
    WHERE out_of_stock_behaviour = 'PREORDER' AND status = 'ACTIVE';

CREATE TABLE stock (
    facility_ref      text NOT NULL REFERENCES facility ON UPDATE CASCADE,
    tenant_article_id text NOT NULL CHECK (tenant_article_id <> ''),
    on_hand           int  NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    -- Kept by waitroom: the sum of open pick-line quantities at this row.
    reserved          int  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (facility_ref, tenant_article_id)
);
CREATE INDEX stock_by_article ON stock (tenant_article_id);

-- Exactly one row: the `id` column can only be true.
CREATE TABLE routing_strategy (
    id                                        boolean PRIMARY KEY DEFAULT true CHECK (id),
    complete_stock_fence_active               bool NOT NULL DEFAULT true,
    complete_stock_fence_mode                 text NOT NULL DEFAULT 'reactive'
                                              CHECK (complete_stock_fence_mode IN ('static', 'reactive')),
    order_split_active                        bool NOT NULL DEFAULT true,
    max_split_count                           int  NOT NULL DEFAULT 3 CHECK (max_split_count >= 1),
    use_waiting_room_for_pre_back_order_items bool NOT NULL DEFAULT false,
    waiting_room_priority                     text NOT NULL DEFAULT 'FIFO'
                                              CHECK (waiting_room_priority IN ('FIFO', 'STRICT_FIFO', 'PRIORITY'))
);
INSERT INTO routing_strategy DEFAULT VALUES;

-- ---------------------------------------------------------------- orders

CREATE TABLE orders (
    order_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_order_id text NOT NULL CHECK (tenant_order_id <> ''),
    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CANCELLED')),
    order_date      timestamptz NOT NULL DEFAULT now(),
    priority        int NOT NULL DEFAULT 0,
    consumer_lat    double precision CHECK (consumer_lat BETWEEN -90 AND 90),
    consumer_lon    double precision CHECK (consumer_lon BETWEEN -180 AND 180),
    -- The place_order body, so that a retry with the same body is recognised.
    request         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- One OPEN order per tenant order id; a cancelled one frees the id for reuse.
CREATE UNIQUE INDEX orders_open_tenant_order_id ON orders (tenant_order_id) WHERE status = 'OPEN';

CREATE TABLE order_line (
    order_id           uuid NOT NULL REFERENCES orders ON DELETE CASCADE,
    line_id            text NOT NULL CHECK (line_id <> ''),
    position           int  NOT NULL CHECK (position >= 1),
    tenant_article_id  text NOT NULL CHECK (tenant_article_id <> ''),
    quantity           int  NOT NULL CHECK (quantity > 0),
    bundle_ref         text,
    cancelled_quantity int  NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_id),
    UNIQUE (order_id, position),
    CONSTRAINT order_line_cancel_within_quantity CHECK (cancelled_quantity BETWEEN 0 AND quantity)
);

-- ---------------------------------------------------------------- routing

CREATE TABLE routing_plan (
    routing_plan_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Creation order, for listing an order's plans stably.
    plan_no                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    order_id               uuid NOT NULL REFERENCES orders ON DELETE CASCADE,
    parent_routing_plan_id uuid REFERENCES routing_plan,
    status                 text NOT NULL
                           CHECK (status IN ('WAITING', 'ROUTED', 'NOT_ROUTABLE', 'CANCELLED')),
    facility_ref           text REFERENCES facility ON UPDATE CASCADE,
    run_type               text NOT NULL DEFAULT 'DEFAULT'
                           CHECK (run_type IN ('DEFAULT', 'REACTIVATION', 'REROUTE', 'MANUAL_ASSIGNMENT')),
    waiting_since          timestamptz,
    -- Which routing rule decided, in words (SPEC §3), for DBAs.
    decided_by             text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT routing_plan_routed_has_facility CHECK (status <> 'ROUTED' OR facility_ref IS NOT NULL),
    CONSTRAINT routing_plan_unrouted_has_no_facility
        CHECK (status NOT IN ('WAITING', 'NOT_ROUTABLE') OR facility_ref IS NULL),
    CONSTRAINT routing_plan_waiting_has_since CHECK (status <> 'WAITING' OR waiting_since IS NOT NULL)
);
CREATE INDEX routing_plan_by_order ON routing_plan (order_id);
CREATE INDEX routing_plan_by_parent ON routing_plan (parent_routing_plan_id)
    WHERE parent_routing_plan_id IS NOT NULL;
CREATE INDEX routing_plan_unrouted ON routing_plan (status) WHERE status IN ('WAITING', 'NOT_ROUTABLE');

CREATE TABLE routing_plan_line (
    routing_plan_id   uuid NOT NULL REFERENCES routing_plan ON DELETE CASCADE,
    order_id          uuid NOT NULL,
    line_id           text NOT NULL,
    tenant_article_id text NOT NULL,
    -- What this plan picks, short-picks or keeps waiting of the line; 0 once moved elsewhere.
    quantity          int  NOT NULL CHECK (quantity >= 0),
    -- True while the plan is WAITING and the line still waits here: the waiting room's
    -- index by article, so that a restock finds the plans it can serve directly.
    waiting           bool NOT NULL DEFAULT false,
    PRIMARY KEY (routing_plan_id, line_id),
    FOREIGN KEY (order_id, line_id) REFERENCES order_line ON DELETE CASCADE
);
CREATE INDEX waiting_plan_line_by_article ON routing_plan_line (tenant_article_id, routing_plan_id)
    WHERE waiting;

CREATE TABLE pick_job (
    pick_job_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    routing_plan_id uuid NOT NULL UNIQUE REFERENCES routing_plan ON DELETE CASCADE,
    order_id        uuid NOT NULL REFERENCES orders ON DELETE CASCADE,
    facility_ref    text NOT NULL REFERENCES facility ON UPDATE CASCADE,
    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CANCELLED')),
    sub_status      text CHECK (sub_status IN ('SHORT_PICKED')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pick_job_by_order ON pick_job (order_id);

CREATE TABLE pick_line (
    pick_job_id       uuid NOT NULL REFERENCES pick_job ON DELETE CASCADE,
    line_id           text NOT NULL,
    facility_ref      text NOT NULL,
    tenant_article_id text NOT NULL,
    quantity          int  NOT NULL CHECK (quantity >= 0),
    short_quantity    int  NOT NULL DEFAULT 0 CHECK (short_quantity >= 0),
    PRIMARY KEY (pick_job_id, line_id)
);
-- Reservations by stock row: reserved = sum(quantity) of the open pick lines here.
CREATE INDEX pick_line_by_stock_row ON pick_line (facility_ref, tenant_article_id);

-- ---------------------------------------------------------------- outbox

CREATE TABLE event (
    event_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event      text NOT NULL CHECK (event IN (
                   'ORDER_CREATED', 'ORDER_CANCELLED', 'ORDER_LINES_CANCELLED',
                   'ROUTING_PLAN_ROUTED', 'ROUTING_PLAN_WAITING', 'ROUTING_PLAN_SPLITTED',
                   'ROUTING_PLAN_NOT_ROUTABLE', 'ROUTING_PLAN_CANCELLED',
                   'PICK_JOB_CREATED', 'PICK_JOB_CANCELLED')),
    -- The aggregate: events of one order are published in event_id order.
    order_id   uuid,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX event_by_order ON event (order_id, event_id);

-- ---------------------------------------------------------------- direct writes
-- A direct INSERT that names only the contract columns (SPEC §1) gets the internal ones
-- filled in, so that it fails on the contract's constraints (SPEC §6: 23514, 23503), not
-- with 23502 on a column the contract does not name. An unknown parent leaves a value
-- no row has, and the foreign key reports it.
CREATE FUNCTION _fill_internal_columns() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'order_line' THEN
        NEW.position := (SELECT coalesce(max(l.position), 0) + 1
                           FROM order_line l WHERE l.order_id = NEW.order_id);
    ELSIF TG_TABLE_NAME = 'routing_plan_line' THEN
        NEW.order_id := coalesce((SELECT p.order_id FROM routing_plan p
                                   WHERE p.routing_plan_id = NEW.routing_plan_id),
                                 '00000000-0000-0000-0000-000000000000');
    ELSE
        NEW.facility_ref := coalesce((SELECT j.facility_ref FROM pick_job j
                                       WHERE j.pick_job_id = NEW.pick_job_id), '');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER order_line_position BEFORE INSERT ON order_line
    FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION _fill_internal_columns();
CREATE TRIGGER routing_plan_line_order BEFORE INSERT ON routing_plan_line
    FOR EACH ROW WHEN (NEW.order_id IS NULL) EXECUTE FUNCTION _fill_internal_columns();
CREATE TRIGGER pick_line_facility BEFORE INSERT ON pick_line
    FOR EACH ROW WHEN (NEW.facility_ref IS NULL) EXECUTE FUNCTION _fill_internal_columns();

-- ---------------------------------------------------------------- pg_dump and pg_restore
-- pg_dump keeps the merchant's data of extension-owned tables, and the plan_no sequence, so
-- that plans created after a restore get numbers above the restored ones.
SELECT pg_catalog.pg_extension_config_dump('facility', '');
SELECT pg_catalog.pg_extension_config_dump('listing', '');
SELECT pg_catalog.pg_extension_config_dump('stock', '');
SELECT pg_catalog.pg_extension_config_dump('routing_strategy', '');
SELECT pg_catalog.pg_extension_config_dump('orders', '');
SELECT pg_catalog.pg_extension_config_dump('order_line', '');
SELECT pg_catalog.pg_extension_config_dump('routing_plan', '');
SELECT pg_catalog.pg_extension_config_dump('routing_plan_line', '');
SELECT pg_catalog.pg_extension_config_dump('pick_job', '');
SELECT pg_catalog.pg_extension_config_dump('pick_line', '');
SELECT pg_catalog.pg_extension_config_dump('event', '');
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('waitroom.routing_plan', 'plan_no')::regclass, '');

-- A restore (`pg_restore -d db dump` or `psql db < dump.sql`) runs CREATE EXTENSION, whose
-- triggers then see the dump's rows arrive. Run, they would fan restored events out a second
-- time (the dump's delivery rows then collide), re-route restored plans from half-loaded tables
-- and fail on the strategy row CREATE EXTENSION made. So a dump's COPY into one of the tables
-- with such triggers switches its transaction to session_replication_role replica: no trigger
-- of ours, nor foreign-key check, fires for the rest of that transaction (what --disable-triggers
-- does in a data-only restore; pg_restore and psql commit each COPY unless run as one
-- transaction, and then the rest of it is the restore too), and the strategy row is replaced by
-- the dumped one.
-- A dump load is recognised by what pg_dump and pg_restore always do and applications do not:
-- the preamble sets check_function_bodies and row_security off (pg_backup_archiver.c), the data
-- comes as COPY ... FROM stdin, and the session user is a superuser (only one can create
-- waitroom). Dumps made with --inserts, or restored with --enable-row-security, are not
-- recognised: their load fails loudly (a duplicate delivery or strategy key), never silently.
CREATE FUNCTION _dump_load_starts() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF current_setting('row_security') = 'off'
       AND current_setting('check_function_bodies') = 'off'
       AND current_query() ~* '^\s*COPY\s.*\sFROM\s+STDIN'
       AND (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user) THEN
        IF current_setting('session_replication_role') = 'origin' THEN
            PERFORM set_config('session_replication_role', 'replica', true);
        END IF;
        -- Rows CREATE EXTENSION made; the dump brings them as they were.
        IF TG_TABLE_NAME = 'routing_strategy' THEN
            DELETE FROM routing_strategy;
        ELSIF TG_TABLE_NAME = 'subscription' THEN
            DELETE FROM subscription WHERE subscription_id = 'stdout';
        END IF;
    END IF;
    RETURN NULL;
END $$;
-- "_" sorts before the other triggers' names: the switch comes before any of them. ALWAYS: in
-- a restore run as one transaction, the strategy row arrives after an earlier COPY switched.
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON listing
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts();
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON stock
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts();
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts();
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON event
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts();
ALTER TABLE listing ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE stock ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE routing_strategy ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE event ENABLE ALWAYS TRIGGER _dump_load_starts;
-- The SQL API of SPEC §2. C functions live in the waitroom module (extension/pg/).

-- orderDate parsing with the field named in the error (SPEC §6: 22023), not a bare 22007.
CREATE FUNCTION _input_timestamp(value text, field text) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    -- A date first: PostgreSQL would also take 'now', 'yesterday' or 'infinity'.
    IF value !~ '^\d{4}-\d{2}-\d{2}' THEN
        RAISE invalid_datetime_format;  -- reported by the handler below
    END IF;
    RETURN value::timestamptz;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
    RAISE EXCEPTION '% must be an ISO 8601 timestamp, got "%"', field, value
        USING ERRCODE = 'invalid_parameter_value';
END $$;

-- The order as every changing function returns it (SPEC §2), all plans included.
-- PL/pgSQL, not SQL: a SQL function called once per statement is planned on every call
-- (about 0.6 ms of each place_order); PL/pgSQL keeps the plan for the session.
CREATE FUNCTION order_json(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT jsonb_build_object(
        'orderId', o.order_id,
        'tenantOrderId', o.tenant_order_id,
        'status', o.status,
        'orderDate', o.order_date,
        'priority', o.priority,
        -- What was ordered and what of it is cancelled, so a caller sees cancelled quantities
        -- (a cancelled plan lists no lines: its quantities went back to the order line).
        'orderLines', (
            SELECT jsonb_agg(jsonb_build_object(
                       'lineId', ol.line_id,
                       'tenantArticleId', ol.tenant_article_id,
                       'quantity', ol.quantity,
                       'cancelledQuantity', ol.cancelled_quantity,
                       'bundleRef', ol.bundle_ref
                   ) ORDER BY ol.position)
              FROM order_line ol WHERE ol.order_id = o.order_id),
        'routingPlans', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                'routingPlanId', p.routing_plan_id,
                'parentRoutingPlanId', p.parent_routing_plan_id,
                'status', p.status,
                'facilityRef', p.facility_ref,
                'runType', p.run_type,
                'waitingSince', p.waiting_since,
                'pickJobId', j.pick_job_id,
                'pickJobStatus', j.status,
                'subStatus', j.sub_status,
                'lines', (
                    SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'lineId', l.line_id,
                               'tenantArticleId', l.tenant_article_id,
                               'quantity', l.quantity,
                               'shortQuantity', coalesce(pl.short_quantity, 0)
                           ) ORDER BY ol.position), '[]'::jsonb)
                      FROM routing_plan_line l
                      JOIN order_line ol ON ol.order_id = l.order_id AND ol.line_id = l.line_id
                      LEFT JOIN pick_line pl
                             ON pl.pick_job_id = j.pick_job_id AND pl.line_id = l.line_id
                     WHERE l.routing_plan_id = p.routing_plan_id AND l.quantity > 0)
            ) ORDER BY p.plan_no)
              FROM routing_plan p
              LEFT JOIN pick_job j ON j.routing_plan_id = p.routing_plan_id
             WHERE p.order_id = o.order_id), '[]'::jsonb))
      FROM orders o
     WHERE o.order_id = order_json.order_id);
END $$;

CREATE FUNCTION place_order("order" jsonb) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_place_order'
LANGUAGE C VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;
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
-- The waiting room's queue and what the router may use, one definition each (issue 11): the
-- pass, the batch, the decision (STRICT_FIFO's held-back quantity), reroute and the
-- waiting_room view all read these functions.
-- Their statements are planned once, generic, as the C module plans its own (spi.cpp): a
-- custom plan per call (the default for an array argument) cost more to plan than to run
-- (bench/queue_sql.sh).

-- Candidate offers of some articles (SPEC §3): the facility is ONLINE and its listing ACTIVE.
-- `available` = max(on_hand - reserved, 0), 0 for a PREORDER listing not released by `at`
-- (the router computes the same from these columns: extension/core/router_model.cpp).
-- on_hand and reserved are NULL where the listing has no stock row.
-- Both sides are read by = ANY of the articles (the repeated filter on stock lets its article
-- index drive that side of the join), so the cost follows the articles, never the size of
-- stock: a join on the listing's key alone let the generic plan hash-join a sequential scan of
-- all of stock (18 ms at 100,000 rows), and a per-article LATERAL probe cost 21k instructions
-- a row.
CREATE FUNCTION candidate_offer(articles text[], at timestamptz DEFAULT now())
RETURNS TABLE (facility_ref text, tenant_article_id text, out_of_stock_behaviour text,
               preorder_available_from timestamptz, on_hand int, reserved int, available int,
               preorder_pending bool, lat double precision, lon double precision)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT x.facility_ref, x.tenant_article_id, x.out_of_stock_behaviour, x.preorder_available_from,
           x.on_hand, x.reserved,
           CASE WHEN x.pending THEN 0 ELSE greatest(coalesce(x.on_hand - x.reserved, 0), 0) END,
           x.pending, x.lat, x.lon
      FROM (SELECT l.facility_ref, l.tenant_article_id, l.out_of_stock_behaviour,
                   l.preorder_available_from, s.on_hand, s.reserved, f.lat, f.lon,
                   coalesce(l.out_of_stock_behaviour = 'PREORDER'
                            AND l.preorder_available_from > candidate_offer.at, false) AS pending
              FROM listing l
              JOIN facility f ON f.facility_ref = l.facility_ref
              LEFT JOIN stock s
                     ON s.facility_ref = l.facility_ref AND s.tenant_article_id = l.tenant_article_id
                    AND s.tenant_article_id = ANY (articles)
             WHERE l.tenant_article_id = ANY (articles)
               AND l.status = 'ACTIVE' AND f.status = 'ONLINE') x;
END $$;

-- The queue (SPEC §4 waiting_room_priority): PRIORITY serves higher `priority` first; then,
-- and in FIFO and STRICT_FIFO, the older order_date, then the older plan (plan_no). This is
-- the one place that orders it.
-- Rows: every waiting line of `articles` (in WAITING plans), with `queue_rank` (1 = served
-- first; a plan's lines share its rank) and `ahead`, the quantity of its article waiting in
-- plans ahead of its plan: STRICT_FIFO holds that much back from a decision (a later one may
-- use only what is available minus it). Probe rows (probe true, quantity 0) rank other plans:
-- one per article (article NULL without articles) for each of `probe_plan_ids` (a plan being
-- re-routed, waiting or NOT_ROUTABLE) and for a new plan of `probe_order_id` (routing_plan_id
-- NULL), which queues by its order's date behind the plans of that date.
-- Each article's waiting lines come from the partial index, each plan and order by its key:
-- the cost follows those articles' queues, not the size of the waiting room.
CREATE FUNCTION waiting_queue(articles text[], probe_plan_ids uuid[] DEFAULT NULL,
                              probe_order_id uuid DEFAULT NULL)
RETURNS TABLE (tenant_article_id text, routing_plan_id uuid, line_id text, quantity int,
               queue_rank bigint, ahead bigint, probe bool)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT r.article, r.routing_plan_id, r.line_id, r.quantity, r.queue_rank,
           -- Up to and including its plan, less its plan's own lines (one sort for both; a
           -- frame EXCLUDE GROUP would sum the frame again for every row: quadratic).
           (coalesce(sum(r.quantity) OVER (PARTITION BY r.article ORDER BY r.queue_rank), 0)
            - coalesce(sum(r.quantity) OVER (PARTITION BY r.article, r.queue_rank), 0))::bigint,
           r.probe
      FROM (SELECT e.*,
                   dense_rank() OVER (ORDER BY CASE WHEN (SELECT s.waiting_room_priority = 'PRIORITY'
                                                            FROM routing_strategy s)
                                                      THEN e.priority END DESC NULLS LAST,
                                               e.order_date, e.plan_no NULLS LAST) AS queue_rank
              FROM (SELECT a.article, w.routing_plan_id, w.line_id, w.quantity, w.priority,
                           w.order_date, w.plan_no, false AS probe
                      FROM unnest(articles) AS a(article)
                     CROSS JOIN LATERAL (
                           SELECT l.routing_plan_id, l.line_id, l.quantity, o.priority,
                                  o.order_date, p.plan_no
                             FROM routing_plan_line l
                             JOIN routing_plan p ON p.routing_plan_id = l.routing_plan_id
                             JOIN orders o ON o.order_id = p.order_id
                            WHERE l.waiting AND l.tenant_article_id = a.article
                              AND p.status = 'WAITING' OFFSET 0) w
                    UNION ALL
                    SELECT a.article, k.routing_plan_id, NULL, 0, k.priority, k.order_date,
                           k.plan_no, true
                      FROM (SELECT p.routing_plan_id, o.priority, o.order_date, p.plan_no
                              FROM unnest(probe_plan_ids) AS x(id)
                             CROSS JOIN LATERAL (
                                   SELECT p.routing_plan_id, p.plan_no, p.order_id
                                     FROM routing_plan p
                                    WHERE p.routing_plan_id = x.id OFFSET 0) p
                              JOIN orders o ON o.order_id = p.order_id
                            UNION ALL
                            SELECT NULL, o.priority, o.order_date, NULL
                              FROM orders o WHERE o.order_id = probe_order_id) k
                      LEFT JOIN LATERAL unnest(articles) AS a(article) ON true) e) r;
END $$;

-- Pre-orders due by `at` (SPEC §4, release_due): articles with a waiting line and an ACTIVE
-- PREORDER listing whose preorder_available_from has come.
CREATE FUNCTION due_preorder_articles(at timestamptz) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT DISTINCT l.tenant_article_id
      FROM routing_plan_line l
      JOIN listing li ON li.tenant_article_id = l.tenant_article_id
     WHERE l.waiting AND li.out_of_stock_behaviour = 'PREORDER' AND li.status = 'ACTIVE'
       AND li.preorder_available_from <= due_preorder_articles.at;
END $$;

-- What reroute(order_id) and reroute_all() (order_id NULL) re-route: every WAITING and
-- NOT_ROUTABLE plan (of the order), ranked in queue order.
CREATE FUNCTION unrouted_plans(order_id uuid)
RETURNS TABLE (routing_plan_id uuid, queue_rank bigint)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    ids uuid[];
BEGIN
    IF unrouted_plans.order_id IS NULL THEN  -- the partial index of unrouted plans
        ids := ARRAY(SELECT p.routing_plan_id FROM routing_plan p
                      WHERE p.status IN ('WAITING', 'NOT_ROUTABLE'));
    ELSE  -- the order's plans by its index
        ids := ARRAY(SELECT p.routing_plan_id FROM routing_plan p
                      WHERE p.order_id = unrouted_plans.order_id
                        AND p.status IN ('WAITING', 'NOT_ROUTABLE'));
    END IF;
    RETURN QUERY SELECT q.routing_plan_id, q.queue_rank FROM waiting_queue(NULL, ids) q;
END $$;

-- One row per waiting line, with why it waits and its place in the queue for its article.
-- The reason follows what the router does (SPEC §3): a line (a unit) is served by one
-- candidate facility, so it waits for stock while no candidate has its quantity available;
-- under STRICT_FIFO it is queued while the article's total available, less what waits ahead
-- of its plan, is short of it. A filter on tenant_article_id reaches the indexes (it is the
-- queue's partition); any other filter still computes the queues of every waiting article.
CREATE VIEW waiting_room AS
SELECT x.order_id, x.tenant_order_id, q.routing_plan_id, q.line_id, wa.tenant_article_id,
       q.quantity,
       CASE
           WHEN coalesce(a.best, 0) < q.quantity AND coalesce(a.preorder_pending, false)
               THEN 'PREORDER_NOT_RELEASED'
           WHEN coalesce(a.best, 0) < q.quantity THEN 'BACKORDER_NO_STOCK'
           WHEN st.waiting_room_priority = 'STRICT_FIFO' AND coalesce(a.total, 0) - q.ahead < q.quantity
               THEN 'QUEUED_BEHIND_EARLIER_ORDERS'
           WHEN x.bundle_ref IS NOT NULL THEN 'BUNDLE_INCOMPLETE'
           ELSE 'WAITING_FOR_OTHER_ITEMS'
       END AS reason,
       x.waiting_since, a.preorder_available_from,
       row_number() OVER (PARTITION BY wa.tenant_article_id ORDER BY q.queue_rank, x.position)
           AS queue_position
  FROM (SELECT DISTINCT w.tenant_article_id FROM routing_plan_line w WHERE w.waiting) wa
 CROSS JOIN LATERAL waiting_queue(ARRAY[wa.tenant_article_id]) q
 -- Each line's plan, order and order line by their keys (a join could read them whole).
 CROSS JOIN LATERAL (
       SELECT p.order_id, p.waiting_since, o.tenant_order_id, ol.position, ol.bundle_ref
         FROM routing_plan p
         JOIN orders o ON o.order_id = p.order_id
         JOIN order_line ol ON ol.order_id = p.order_id AND ol.line_id = q.line_id
        WHERE p.routing_plan_id = q.routing_plan_id OFFSET 0) x
 CROSS JOIN routing_strategy st
 CROSS JOIN LATERAL (
       SELECT max(c.available) AS best, sum(c.available) AS total,
              bool_or(c.preorder_pending) AS preorder_pending,
              min(c.preorder_available_from) FILTER (WHERE c.out_of_stock_behaviour = 'PREORDER')
                  AS preorder_available_from
         FROM candidate_offer(ARRAY[wa.tenant_article_id], now()) c) a;
-- Manual action (SPEC §4): cancel_order, in C++ beside assign_facility (extension/pg/
-- cancel_order.cpp): the whole order, or [{"lineId", "quantity"}]; the `lines` argument is
-- parsed and checked as assign_facility's is (extension/core/line_selection.cpp).
CREATE FUNCTION cancel_order(order_id uuid, lines jsonb DEFAULT NULL) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_cancel_order' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
-- ---------------------------------------------------------------- waitroom's locks, for DBAs
-- The strategy lock and the article locks (extension/pg/lock_protocol.cpp has the protocol)
-- live in Postgres's lock manager under a tag of waitroom's own. The C that takes them also
-- names them here, so that no query spells a class, bucket or tag of its own.

-- Every tag: kind 'waiting' and 'pass' for each bucket, and the one 'strategy' lock (bucket
-- NULL), with the fields pg_locks shows (locktype 'advisory', database = this database).
CREATE FUNCTION lock_tags()
RETURNS TABLE (kind text, bucket int, classid oid, objid oid, objsubid int2)
AS 'MODULE_PATHNAME', 'waitroom_lock_tags' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 2049
SET search_path = waitroom, pg_catalog, pg_temp;

-- The bucket of an article's waiting and pass locks.
CREATE FUNCTION article_lock_bucket(article text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_article_lock_bucket' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SET search_path = waitroom, pg_catalog, pg_temp;

-- Who holds or waits for which of waitroom's locks in this database: one row per pg_locks
-- row (a backend may hold a lock in two modes). pg_blocking_pids(pid) names whom a waiter
-- waits for.
CREATE VIEW lock_holders AS
SELECT t.kind, t.bucket, l.mode, l.granted, l.pid, l.virtualtransaction, l.waitstart
  FROM pg_catalog.pg_locks l
  JOIN lock_tags() t ON t.classid = l.classid AND t.objid = l.objid AND t.objsubid = l.objsubid
 WHERE l.locktype = 'advisory'
   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                      WHERE d.datname = pg_catalog.current_database());
-- ---------------------------------------------------------------- explain (issue 12)
-- The routing decision log a DBA reads when an order waits (docs/explain.md). The router
-- traces each decision while it decides (extension/core/decision_trace.cpp) and the decision
-- writer stores it with the plans, in the same statement batch (decision_writer.cpp):
-- explain() only reads, so it tells why the routing decided what it did then, however stock
-- changed since.
-- The log is stored compact (positional arrays, `json`: checked, not converted, on the write
-- path that a pass takes for thousands of plans at once) and expanded into named keys by
-- explain(), which is read rarely (bench/explain.sh measures the write path).
-- One row per plan, the latest decision that wrote the plan (a re-route that leaves a plan as
-- it was writes nothing, so a restock re-deciding 100,000 waiting plans adds no row; a
-- history would grow with every re-decision). Each plan a decision writes (the one that keeps
-- the id and its routed children) gets that decision's log, so a child keeps the decision that
-- made it when its parent is decided again. Rows go with their plan (ON DELETE CASCADE), are
-- user data for pg_dump, and DROP EXTENSION drops the table.
CREATE TABLE routing_decision (
    routing_plan_id uuid PRIMARY KEY REFERENCES routing_plan ON DELETE CASCADE,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    log             json NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('routing_decision', '');

-- A stored log with named keys (the layout decision_log() in extension/pg/explain_log.cpp
-- writes). Logs without a trace (manual assignment) have only rule, why and plans.
CREATE FUNCTION _decision_log(log jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
SELECT jsonb_build_object(
    'rule', log -> 'rule',
    'why', log -> 'why',
    'decidedWith', log -> 'at',
    'strategy', CASE WHEN log ? 'strategy' THEN jsonb_build_object(
        'completeStockFenceActive', log #> '{strategy,0}',
        'completeStockFenceMode', log #> '{strategy,1}',
        'orderSplitActive', log #> '{strategy,2}',
        'maxSplitCount', log #> '{strategy,3}',
        'useWaitingRoomForPreBackOrderItems', log #> '{strategy,4}',
        'waitingRoomOn', log #> '{strategy,5}',
        'waitingRoomPriority', log #> '{strategy,6}') END,
    'articles', (SELECT jsonb_agg(jsonb_build_object(
                        'tenantArticleId', a -> 0, 'needed', a -> 1, 'availableTotal', a -> 2,
                        'heldBack', a -> 3, 'usable', a -> 4) ORDER BY n)
                   FROM jsonb_array_elements(log -> 'articles') WITH ORDINALITY x(a, n)),
    -- Facilities are stored in groups of alike verdicts: [[refs], [distances] | null,
    -- status, completeStock, chosen, [per article]]; one object per facility, by ref.
    'facilities', (SELECT jsonb_agg(jsonb_build_object(
                          'facilityRef', r, 'status', g -> 2, 'distanceKm', g -> 1 -> (i::int - 1),
                          'completeStock', g -> 3, 'chosen', g -> 4,
                          'articles', (SELECT jsonb_agg(jsonb_build_object(
                                              'tenantArticleId', log -> 'articles' -> (k::int - 1) -> 0,
                                              'needed', log -> 'articles' -> (k::int - 1) -> 1,
                                              'listing', CASE WHEN o ->> 0 IS NOT NULL THEN jsonb_strip_nulls(
                                                  jsonb_build_object('status', o -> 0, 'kind', o -> 1,
                                                                     'preorderAvailableFrom', o -> 2)) END,
                                              'onHand', o -> 3, 'reserved', o -> 4, 'available', o -> 5,
                                              'candidate', o -> 6, 'check', o -> 7) ORDER BY k)
                                         FROM jsonb_array_elements(g -> 5) WITH ORDINALITY y(o, k)))
                          ORDER BY r COLLATE "C")
                     FROM jsonb_array_elements(log -> 'facilities') x(g),
                          jsonb_array_elements_text(g -> 0) WITH ORDINALITY z(r, i)),
    -- The facilities the log does not keep in full (explain_log.cpp keeps the chosen and the
    -- 10 best others), counted per article and verdict.
    'facilitiesOmitted', CASE WHEN log ? 'omitted' THEN jsonb_build_object(
        'count', log #> '{omitted,0}',
        'articles', (SELECT jsonb_agg(jsonb_build_object(
                            'tenantArticleId', log -> 'articles' -> (k::int - 1) -> 0,
                            'checks', o -> 0, 'stockShortMaxAvailable', o -> 1) ORDER BY k)
                       FROM jsonb_array_elements(log #> '{omitted,1}') WITH ORDINALITY y(o, k))) END,
    'splitCap', CASE WHEN log ? 'cap' THEN jsonb_build_object(
        'maxSplitCount', log #> '{cap,0}', 'routedPlans', log #> '{cap,1}',
        'reached', log #> '{cap,2}') END,
    'plans', (SELECT jsonb_agg(jsonb_build_object(
                     'routingPlanId', p -> 0, 'status', p -> 1, 'facilityRef', p -> 2,
                     'lines', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                                      'lineId', l -> 0, 'tenantArticleId', l -> 1,
                                      'quantity', l -> 2, 'shortQuantity', l -> 3,
                                      'beyondStock', CASE WHEN (l ->> 4)::bool THEN true END,
                                      'reason', l -> 5)) ORDER BY k)
                                 FROM jsonb_array_elements(p -> 3) WITH ORDINALITY y(l, k)))
                     ORDER BY n)
                FROM jsonb_array_elements(log -> 'plans') WITH ORDINALITY x(p, n)))
$$;

-- The order's plans in creation order, each with its routing_plan facts and its decision log
-- (null, with a note, for plans decided before 0.2.0 kept logs).
CREATE FUNCTION explain(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    result jsonb;
BEGIN
    IF explain.order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT jsonb_build_object(
               'orderId', o.order_id,
               'tenantOrderId', o.tenant_order_id,
               'status', o.status,
               'routingPlans', coalesce((
                   SELECT jsonb_agg(jsonb_build_object(
                              'routingPlanId', p.routing_plan_id,
                              'parentRoutingPlanId', p.parent_routing_plan_id,
                              'status', p.status,
                              'facilityRef', p.facility_ref,
                              'runType', p.run_type,
                              'decidedBy', p.decided_by,
                              'decidedAt', d.decided_at,
                              'decision', _decision_log(d.log::jsonb),
                              'note', CASE WHEN d.routing_plan_id IS NULL THEN
                                  'no decision log: decided before waitroom 0.2.0 recorded decisions'
                              END) ORDER BY p.plan_no)
                     FROM routing_plan p
                     LEFT JOIN routing_decision d ON d.routing_plan_id = p.routing_plan_id
                    WHERE p.order_id = o.order_id), '[]'::jsonb))
      INTO result
      FROM orders o
     WHERE o.order_id = explain.order_id;
    IF result IS NULL THEN
        RAISE EXCEPTION 'order % not found', explain.order_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN result;
END $$;
-- ---------------------------------------------------------------- outbox delivery (SPEC §5)
--
-- `event` is the outbox; this file adds who receives it and how far each receiver got.
--   subscription     a sink: the JSON-lines stdout of waitroomd, or an HTTP webhook
--   delivery         one row per (event, subscription): pending / delivered / dead / discarded
--   dead_letter      view: deliveries that gave up, and how many later events wait behind them
--   outbox_status    view: per subscription, what is pending, delivered, dead, and the lag
-- The insert trigger on `event` fans each event out to the matching subscriptions in the same
-- transaction and sends a NOTIFY that carries an event id only: a wake-up, never the data.
--
-- Ordering: the events of one order (the lane: subscription + order_id) are delivered in
-- event_id order. waitroomd claims the head of a lane with FOR UPDATE SKIP LOCKED; a row is a
-- head only when no earlier row of its lane is pending or dead, so a dead letter holds back the
-- later events of that order for that subscription (only) until a DBA retries or discards it.

-- Sinks. `kind` stdout is served by every waitroomd started with the stdout sink (the default);
-- those daemons share the work, each event is printed by one of them.
CREATE TABLE subscription (
    subscription_id text PRIMARY KEY CHECK (subscription_id ~ '^[A-Za-z0-9_.:-]+$'),
    kind            text NOT NULL DEFAULT 'webhook' CHECK (kind IN ('webhook', 'stdout')),
    -- Event names to deliver; NULL = every event.
    events          text[],
    url             text CHECK (url ~ '^https?://'),
    -- Extra request headers, e.g. {"Authorization": "Bearer …"}.
    headers         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
    -- Standard Webhooks secret: 'whsec_' + base64 key, or any other text used as the key bytes.
    secret          text,
    -- Attempts before a delivery is dead-lettered; NULL = the daemon's --max-attempts.
    max_attempts    int CHECK (max_attempts >= 1),
    -- false pauses the subscription: its deliveries are still created and held (claims skip
    -- them) until it is active again; then they go out in order. Delete it to drop them.
    active          bool NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscription_webhook_needs_url CHECK (kind <> 'webhook' OR url IS NOT NULL)
);
INSERT INTO subscription (subscription_id, kind) VALUES ('stdout', 'stdout');

CREATE TABLE delivery (
    event_id        bigint NOT NULL REFERENCES event ON DELETE CASCADE,
    subscription_id text   NOT NULL REFERENCES subscription ON DELETE CASCADE ON UPDATE CASCADE,
    -- The lane key: the event's order, or the nil uuid for events without one.
    order_id        uuid   NOT NULL,
    state           text   NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'dead', 'discarded')),
    attempts        int    NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_attempt_at timestamptz,
    last_error      text,
    delivered_at    timestamptz,
    -- The waitroomd instance (--name) that delivered or last tried.
    delivered_by    text,
    PRIMARY KEY (event_id, subscription_id)
);
-- Lanes with open work: the head test ("nothing earlier is open") and the DBA views.
CREATE INDEX delivery_open_by_lane ON delivery (subscription_id, order_id, event_id)
    WHERE state IN ('pending', 'dead');
-- Claims walk due deliveries, oldest due first, and stop at the first one not yet due: a lane
-- backing off (or behind a dead letter) has all its rows pushed into the future, so it costs
-- nothing until it is due again.
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE state = 'pending';
-- The lag: the oldest pending event.
CREATE INDEX delivery_pending_by_event ON delivery (event_id) WHERE state = 'pending';

-- Retention of delivered events. No row = the default (7 days); set_outbox_retention() sets it.
CREATE TABLE outbox_setting (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    delivered_retention interval NOT NULL CHECK (delivered_retention >= interval '0')
);

-- Every row, the built-in stdout one too (paused, events, max_attempts are the merchant's):
-- a dump load replaces the row CREATE EXTENSION made (_dump_load_starts, 10_schema.sql).
SELECT pg_catalog.pg_extension_config_dump('subscription', '');
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON subscription
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts();
ALTER TABLE subscription ENABLE ALWAYS TRIGGER _dump_load_starts;
SELECT pg_catalog.pg_extension_config_dump('delivery', '');
SELECT pg_catalog.pg_extension_config_dump('outbox_setting', '');
-- The outbox's id sequence too: without it a restored database hands out event ids again from 1.
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('waitroom.event', 'event_id')::regclass, '');

-- ---------------------------------------------------------------- fan-out and wake-up

-- Statement level: one INSERT … SELECT and one NOTIFY per inserting statement, whatever its size.
-- The NOTIFY payload is the statement's highest event id (only a hint; the table is the truth).
CREATE FUNCTION fan_out_events() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    last_id bigint;
BEGIN
    -- Paused subscriptions too: their rows wait at 'infinity', where claims never look.
    INSERT INTO delivery (event_id, subscription_id, order_id, next_attempt_at)
    SELECT n.event_id, s.subscription_id,
           coalesce(n.order_id, '00000000-0000-0000-0000-000000000000'::uuid),
           CASE WHEN s.active THEN clock_timestamp() ELSE 'infinity' END
      FROM new_events n
      JOIN subscription s ON s.events IS NULL OR n.event = ANY (s.events);
    SELECT max(event_id) INTO last_id FROM new_events;
    IF last_id IS NOT NULL THEN
        PERFORM pg_notify('waitroom_event', last_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER event_fan_out AFTER INSERT ON event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION fan_out_events();

-- Pausing parks the subscription's pending deliveries at 'infinity' (claims skip them
-- cheaply); resuming makes them due now, except lanes held behind a dead letter.
-- A resume first takes SHARE on delivery: it waits for every fan-out in flight (which may have
-- read the subscription as paused and parked its rows) and holds new ones off until it
-- commits, so no row parked by a concurrent fan-out is missed. A pause needs no lock: rows a
-- concurrent fan-out makes due are still skipped by claims while the subscription is paused.
-- The wait is bounded (lock_timeout): a resume that cannot get in fails with 55P03 and can be
-- repeated, rather than holding event producers behind it.
CREATE FUNCTION _subscription_paused_or_resumed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp SET lock_timeout = '5s' AS $$
BEGIN
    IF NOT NEW.active THEN
        UPDATE delivery d SET next_attempt_at = 'infinity'
         WHERE d.subscription_id = NEW.subscription_id AND d.state = 'pending'
           AND d.next_attempt_at < 'infinity';
    ELSE
        LOCK TABLE delivery IN SHARE MODE;
        UPDATE delivery l SET next_attempt_at = clock_timestamp()
         WHERE l.subscription_id = NEW.subscription_id AND l.state = 'pending'
           AND l.next_attempt_at = 'infinity'
           AND NOT EXISTS (SELECT FROM delivery e
                            WHERE e.subscription_id = l.subscription_id AND e.order_id = l.order_id
                              AND e.state = 'dead' AND e.event_id < l.event_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER subscription_paused_or_resumed AFTER UPDATE OF active ON subscription
    FOR EACH ROW WHEN (OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION _subscription_paused_or_resumed();

-- ---------------------------------------------------------------- daemon API

-- Claims up to max_lanes lane heads (skipping lanes another daemon holds) and, behind each head,
-- up to per_lane pending deliveries of the same lane, all locked until the caller's transaction
-- ends. Rows come in lane order, then event_id; `due` false means "stop this lane here".
-- webhooks: whether webhook subscriptions are served; stdout_subscription: the stdout sink's
-- subscription this caller serves (NULL = none).
CREATE FUNCTION claim_deliveries(webhooks bool, stdout_subscription text,
                                 max_lanes int DEFAULT 64, per_lane int DEFAULT 100)
RETURNS TABLE (subscription_id text, event_id bigint, order_id uuid, attempts int, due bool,
               kind text, url text, headers jsonb, secret text, max_attempts int, body text)
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH heads AS MATERIALIZED (
        SELECT d.subscription_id, d.order_id, d.event_id
          FROM delivery d
          JOIN subscription s ON s.subscription_id = d.subscription_id
         WHERE d.state = 'pending'
           -- statement_timestamp(), not clock_timestamp(): a stable bound the index scan can use.
           AND d.next_attempt_at <= statement_timestamp()
           AND s.active
           AND ((s.kind = 'webhook' AND webhooks) OR s.subscription_id = stdout_subscription)
           AND NOT EXISTS (SELECT FROM delivery e
                            WHERE e.subscription_id = d.subscription_id
                              AND e.order_id = d.order_id
                              AND e.state IN ('pending', 'dead')
                              AND e.event_id < d.event_id)
         ORDER BY d.next_attempt_at
         LIMIT max_lanes
           FOR UPDATE OF d SKIP LOCKED)
    SELECT f.subscription_id, f.event_id, f.order_id, f.attempts,
           f.next_attempt_at <= clock_timestamp(),
           s.kind, s.url, s.headers, s.secret, s.max_attempts,
           jsonb_build_object('event', ev.event, 'eventId', ev.event_id,
                              'payload', ev.payload)::text
      FROM heads h
     CROSS JOIN LATERAL (
            SELECT l.subscription_id, l.event_id, l.order_id, l.attempts, l.next_attempt_at
              FROM delivery l
             WHERE l.subscription_id = h.subscription_id
               AND l.order_id = h.order_id
               AND l.state = 'pending'
               AND l.event_id >= h.event_id
             ORDER BY l.event_id
             LIMIT per_lane
               FOR UPDATE) f
      JOIN subscription s ON s.subscription_id = f.subscription_id
      JOIN event ev ON ev.event_id = f.event_id
     ORDER BY h.event_id, h.subscription_id, f.event_id
$$;

-- Marks deliveries done. Returns how many were still pending: fewer than given means another
-- daemon had already delivered some (a duplicate the caller counts).
CREATE FUNCTION ack_deliveries(subscription_ids text[], event_ids bigint[], delivered_by text)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH done AS (
        UPDATE delivery d
           SET state = 'delivered', attempts = d.attempts + 1,
               last_attempt_at = clock_timestamp(), delivered_at = clock_timestamp(),
               last_error = NULL, delivered_by = ack_deliveries.delivered_by
          FROM unnest(subscription_ids, event_ids) AS a(subscription_id, event_id)
         WHERE d.subscription_id = a.subscription_id
           AND d.event_id = a.event_id
           AND d.state = 'pending'
        RETURNING 1)
    SELECT count(*)::int FROM done
$$;

-- Records a failed attempt: retry after retry_in, or dead-letter once max_attempts (the
-- subscription's own, else the caller's default) is reached. The rest of the lane is pushed
-- back with it (to 'infinity' behind a dead letter), so claims skip the lane cheaply until then.
-- Returns the new state.
CREATE FUNCTION fail_delivery(subscription_id text, event_id bigint, error text,
                              retry_in interval, default_max_attempts int, delivered_by text)
RETURNS text
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH failed AS (
        UPDATE delivery d
           SET attempts = d.attempts + 1,
               last_attempt_at = clock_timestamp(),
               -- A short reason only (waitroomd sends a status, never reply bytes).
               last_error = left(regexp_replace(error, '[[:cntrl:]]+', ' ', 'g'), 200),
               delivered_by = fail_delivery.delivered_by,
               next_attempt_at = clock_timestamp() + retry_in,
               state = CASE WHEN d.attempts + 1 >= coalesce(s.max_attempts, default_max_attempts)
                            THEN 'dead' ELSE 'pending' END
          FROM subscription s
         WHERE s.subscription_id = d.subscription_id
           AND d.subscription_id = fail_delivery.subscription_id
           AND d.event_id = fail_delivery.event_id
           AND d.state = 'pending'
        RETURNING d.subscription_id, d.order_id, d.event_id, d.state, d.next_attempt_at),
    held_back AS (
        UPDATE delivery l
           SET next_attempt_at = CASE WHEN f.state = 'dead' THEN 'infinity'
                                      ELSE greatest(l.next_attempt_at, f.next_attempt_at) END
          FROM failed f
         WHERE l.subscription_id = f.subscription_id
           AND l.order_id = f.order_id
           AND l.state = 'pending'
           AND l.event_id > f.event_id)
    SELECT state FROM failed
$$;

-- What the daemon reports: how much is pending for the sinks it serves, the age of the oldest
-- pending event (the lag), and in how many seconds the next pending delivery is due.
CREATE FUNCTION outbox_backlog(webhooks bool, stdout_subscription text)
RETURNS TABLE (pending bigint, oldest_pending_age double precision, next_due_in double precision)
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH served AS (
        SELECT s.subscription_id FROM subscription s
         WHERE s.active
           AND ((s.kind = 'webhook' AND webhooks) OR s.subscription_id = stdout_subscription))
    SELECT (SELECT count(*) FROM delivery d
             WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)),
           coalesce((SELECT extract(epoch FROM clock_timestamp() - ev.created_at)::float8
                       FROM delivery d JOIN event ev ON ev.event_id = d.event_id
                      WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)
                      ORDER BY d.event_id LIMIT 1), 0),
           -- Lanes behind a dead letter wait at 'infinity': no retry is due there.
           (SELECT extract(epoch FROM d.next_attempt_at)::float8
                   - extract(epoch FROM clock_timestamp())::float8
              FROM delivery d
             WHERE d.state = 'pending' AND d.subscription_id IN (SELECT * FROM served)
               AND d.next_attempt_at < 'infinity'
             ORDER BY d.next_attempt_at LIMIT 1)
$$;

-- ---------------------------------------------------------------- DBA views and actions

CREATE VIEW dead_letter AS
SELECT d.subscription_id, d.event_id, d.order_id, ev.event, d.attempts, d.last_error,
       d.last_attempt_at, ev.created_at,
       -- Later events of the same order for this subscription, held back by this one.
       (SELECT count(*) FROM delivery l
         WHERE l.subscription_id = d.subscription_id AND l.order_id = d.order_id
           AND l.state = 'pending' AND l.event_id > d.event_id) AS blocked_events,
       ev.payload
  FROM delivery d
  JOIN event ev ON ev.event_id = d.event_id
 WHERE d.state = 'dead';

CREATE VIEW outbox_status AS
SELECT s.subscription_id, s.kind, s.url, s.active,
       count(*) FILTER (WHERE d.state = 'pending')   AS pending,
       count(*) FILTER (WHERE d.state = 'delivered') AS delivered,
       count(*) FILTER (WHERE d.state = 'dead')      AS dead,
       count(*) FILTER (WHERE d.state = 'discarded') AS discarded,
       min(ev.created_at) FILTER (WHERE d.state = 'pending') AS oldest_pending_at,
       max(d.delivered_at) AS last_delivered_at
  FROM subscription s
  LEFT JOIN delivery d ON d.subscription_id = s.subscription_id
  LEFT JOIN event ev ON ev.event_id = d.event_id
 GROUP BY s.subscription_id, s.kind, s.url, s.active;

-- Puts dead letters back in the queue with a fresh attempt budget (NULL arguments = all of them).
CREATE FUNCTION retry_dead_letter(subscription_id text DEFAULT NULL, event_id bigint DEFAULT NULL)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH retried AS (
        UPDATE delivery d
           SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp()
         WHERE d.state = 'dead'
           AND (retry_dead_letter.subscription_id IS NULL
                OR d.subscription_id = retry_dead_letter.subscription_id)
           AND (retry_dead_letter.event_id IS NULL OR d.event_id = retry_dead_letter.event_id)
        RETURNING d.subscription_id, d.order_id),
    -- The lane was held back behind the dead letter (fail_delivery): let it go again.
    released AS (
        UPDATE delivery l
           SET next_attempt_at = clock_timestamp()
          FROM retried r
         WHERE l.subscription_id = r.subscription_id
           AND l.order_id = r.order_id
           AND l.state = 'pending'
           AND l.next_attempt_at > clock_timestamp())
    SELECT count(*)::int FROM retried
$$;

-- Gives up on dead letters for good, which lets the later events of their orders go.
CREATE FUNCTION discard_dead_letter(subscription_id text DEFAULT NULL, event_id bigint DEFAULT NULL)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH discarded AS (
        UPDATE delivery d
           SET state = 'discarded'
         WHERE d.state = 'dead'
           AND (discard_dead_letter.subscription_id IS NULL
                OR d.subscription_id = discard_dead_letter.subscription_id)
           AND (discard_dead_letter.event_id IS NULL OR d.event_id = discard_dead_letter.event_id)
        RETURNING d.subscription_id, d.order_id),
    -- The lane was held back behind the dead letter (fail_delivery): let it go again.
    released AS (
        UPDATE delivery l
           SET next_attempt_at = clock_timestamp()
          FROM discarded r
         WHERE l.subscription_id = r.subscription_id
           AND l.order_id = r.order_id
           AND l.state = 'pending'
           AND l.next_attempt_at > clock_timestamp())
    SELECT count(*)::int FROM discarded
$$;

-- ---------------------------------------------------------------- retention

CREATE FUNCTION set_outbox_retention(delivered_retention interval) RETURNS interval
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    INSERT INTO outbox_setting (delivered_retention) VALUES (delivered_retention)
    ON CONFLICT (id) DO UPDATE SET delivered_retention = excluded.delivered_retention
    RETURNING delivered_retention
$$;

-- Deletes events older than `older_than` (default: the retention setting, else 7 days) that
-- no subscription still has open (pending or dead), with their delivery rows; at most
-- batch_size per call so that the daemon's timer never holds long locks. Returns the count.
CREATE FUNCTION purge_delivered(older_than interval DEFAULT NULL, batch_size int DEFAULT 10000)
RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    WITH doomed AS (
        SELECT ev.event_id
          FROM event ev
         WHERE ev.created_at < clock_timestamp() - coalesce(
                   older_than,
                   (SELECT o.delivered_retention FROM outbox_setting o),
                   interval '7 days')
           AND NOT EXISTS (SELECT FROM delivery d
                            WHERE d.event_id = ev.event_id AND d.state IN ('pending', 'dead'))
         ORDER BY ev.event_id
         LIMIT batch_size
           FOR UPDATE SKIP LOCKED),
    purged AS (
        DELETE FROM event ev USING doomed WHERE ev.event_id = doomed.event_id RETURNING 1)
    SELECT count(*)::int FROM purged
$$;
-- ---------------------------------------------------------------- redeliver and backfill (issue 12, 9a)
--
-- redeliver(subscription_id, from_event_id, to_event_id, missing_ok) queues again, for one
-- subscription, the events of an id range that its `events` filter takes now:
--   delivered, dead or discarded   back to pending, attempts 0 (a fresh budget)
--   no delivery row                one is created (a subscription made after the events)
--   pending                        left as it is (its attempts and backoff too)
-- Returns how many deliveries it queued. Ids of the range that have no event, below the newest
-- id the outbox has handed out, were purged (purge_delivered) or never committed: an error
-- (P0002) naming them unless missing_ok, then a WARNING. docs/redeliver.md has the rest.
--
-- Locks, in this order: the subscription FOR SHARE (its filter and pause hold, a pause, resume
-- or delete waits); the range's events FOR KEY SHARE (purge_delivered skips them; one it is
-- deleting is waited for and then missing); the subscription's deliveries of the range FOR
-- UPDATE in event_id order (a daemon's claim of one is waited for, so no ack or failure lands
-- between reading a state and writing it). Claims find the re-queued rows through the lane-head
-- rule, so each order's events still go out in event_id order.
CREATE FUNCTION waitroom.redeliver(subscription_id text, from_event_id bigint, to_event_id bigint,
                          missing_ok boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    sub        waitroom.subscription%ROWTYPE;
    nil        CONSTANT uuid := '00000000-0000-0000-0000-000000000000';
    due        timestamptz;
    last_id    bigint;
    missing    text;
    n_missing  bigint;
    requeued   bigint;
    created    bigint;
    lanes      uuid[];
BEGIN
    IF redeliver.subscription_id IS NULL THEN
        RAISE EXCEPTION 'redeliver: subscription_id is required' USING ERRCODE = '22023';
    END IF;
    IF from_event_id IS NULL OR to_event_id IS NULL OR from_event_id < 1 OR from_event_id > to_event_id THEN
        RAISE EXCEPTION 'redeliver: from_event_id % and to_event_id % are not a range of event ids (1 <= from <= to)',
            coalesce(from_event_id::text, 'NULL'), coalesce(to_event_id::text, 'NULL')
            USING ERRCODE = '22023';
    END IF;

    SELECT * INTO sub FROM subscription s WHERE s.subscription_id = redeliver.subscription_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'redeliver: unknown subscription %', redeliver.subscription_id
            USING ERRCODE = 'P0002';
    END IF;
    due := CASE WHEN sub.active THEN clock_timestamp() ELSE 'infinity' END;

    PERFORM FROM event ev WHERE ev.event_id BETWEEN from_event_id AND to_event_id
      ORDER BY ev.event_id FOR KEY SHARE;

    -- Missing ids: below the last id handed out (the sequence; the table alone would not show a
    -- range purged to its end). An id taken by a transaction still open is missing too.
    last_id := least(to_event_id, greatest(
        coalesce(pg_sequence_last_value(pg_get_serial_sequence('waitroom.event', 'event_id')::regclass), 0),
        coalesce((SELECT max(ev.event_id) FROM event ev), 0)));
    IF last_id >= from_event_id THEN
        SELECT string_agg(CASE WHEN g.lo = g.hi THEN g.lo::text ELSE g.lo || '-' || g.hi END, ', '
                          ORDER BY g.lo),
               sum(g.hi - g.lo + 1)
          INTO missing, n_missing
          FROM (SELECT x.prev + 1 AS lo, x.event_id - 1 AS hi
                  FROM (SELECT e.event_id, lag(e.event_id) OVER (ORDER BY e.event_id) AS prev
                          FROM (SELECT ev.event_id FROM event ev
                                 WHERE ev.event_id BETWEEN from_event_id AND last_id
                                UNION ALL SELECT from_event_id - 1
                                UNION ALL SELECT last_id + 1) e) x
                 WHERE x.event_id > x.prev + 1) g;
        missing := format('event%s %s of the range %s missing (purged, or never committed)',
                          CASE WHEN n_missing > 1 THEN 's' ELSE '' END, left(missing, 500),
                          CASE WHEN n_missing > 1 THEN 'are' ELSE 'is' END);
        IF n_missing > 0 AND NOT missing_ok THEN
            RAISE EXCEPTION 'redeliver: %', missing
                USING ERRCODE = 'P0002',
                      DETAIL = 'purge_delivered() deletes delivered events after the retention; an id whose transaction rolled back has no event.',
                      HINT = 'Pass missing_ok => true to queue the events that are there.';
        ELSIF n_missing > 0 THEN
            RAISE WARNING 'redeliver: %', missing;
        END IF;
    END IF;

    PERFORM FROM delivery d
     WHERE d.subscription_id = sub.subscription_id
       AND d.event_id BETWEEN from_event_id AND to_event_id
     ORDER BY d.event_id FOR UPDATE;

    WITH taken AS (
        SELECT ev.event_id FROM event ev
         WHERE ev.event_id BETWEEN from_event_id AND to_event_id
           AND (sub.events IS NULL OR ev.event = ANY (sub.events))),
    done AS (
        UPDATE delivery d
           SET state = 'pending', attempts = 0, next_attempt_at = due, last_error = NULL,
               delivered_at = NULL
          FROM taken t
         WHERE d.subscription_id = sub.subscription_id AND d.event_id = t.event_id
           AND d.state <> 'pending'
        RETURNING d.order_id)
    SELECT count(*), array_agg(DISTINCT d.order_id) INTO requeued, lanes FROM done d;

    WITH added AS (
        INSERT INTO delivery (event_id, subscription_id, order_id, next_attempt_at)
        SELECT ev.event_id, sub.subscription_id, coalesce(ev.order_id, nil), due
          FROM event ev
         WHERE ev.event_id BETWEEN from_event_id AND to_event_id
           AND (sub.events IS NULL OR ev.event = ANY (sub.events))
         ORDER BY ev.event_id
        ON CONFLICT DO NOTHING
        RETURNING order_id)
    SELECT count(*), coalesce(lanes, '{}') || coalesce(array_agg(DISTINCT a.order_id), '{}')
      INTO created, lanes FROM added a;

    -- Active subscription: in the lanes touched, a pending row behind a dead letter waits at
    -- 'infinity' (as fail_delivery leaves it), and one that was held behind a dead letter now
    -- re-queued is due again. A paused one keeps everything parked (resuming sorts it out).
    IF sub.active AND requeued + created > 0 THEN
        -- Lane by lane (the lanes' index), never the whole pending backlog.
        UPDATE delivery l
           SET next_attempt_at = CASE WHEN l.next_attempt_at = 'infinity' THEN clock_timestamp()
                                      ELSE 'infinity' END
          FROM unnest(lanes) AS lane(order_id)
         WHERE l.subscription_id = sub.subscription_id AND l.order_id = lane.order_id
           AND l.state = 'pending'
           AND EXISTS (SELECT FROM delivery e
                        WHERE e.subscription_id = l.subscription_id AND e.order_id = l.order_id
                          AND e.state = 'dead' AND e.event_id < l.event_id)
               <> (l.next_attempt_at = 'infinity');
    END IF;
    RETURN requeued + created;
END $$;
-- check_invariants(): SPEC §4's promises as a query a DBA (or a test) runs at any time.
-- One row per violation, nothing when healthy (README "Checking invariants").
--   reserved_matches_pick_lines  stock.reserved = the open pick lines at that stock row
--   line_quantities_add_up       picked + short + waiting + not routable + cancelled = ordered
--   plan_pick_job                ROUTED: exactly one OPEN pick job; any other status: none open
--   no_oversell                  reserved <= on_hand, beyond it only by what assign_facility
--                                (run_type MANUAL_ASSIGNMENT) or rule 4 (decided_by 'waiting
--                                room off: …') reserved there; those rows are not violations
--                                (show_allowed lists them, as no_oversell_allowed)
--   no_lost_wakeup               (quiet only) no WAITING plan that reroute_all() would route now,
--                                once release_due() has served what is due
--   events_recorded              every order, plan status, pick job and cancel has its event
--                                (subjects older than events_since may have been purged)
-- quiet: nothing else is running. The lost wake-up check then runs reroute_all() in a
-- subtransaction it rolls back; while others run, a WAITING plan may just not be served yet.
-- SECURITY DEFINER: that check writes (and undoes) what readers may not write.
CREATE FUNCTION check_invariants(quiet bool DEFAULT true, show_allowed bool DEFAULT false,
                                 events_since timestamptz DEFAULT NULL)
RETURNS TABLE (invariant text, subject text, detail text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    since     timestamptz := coalesce(events_since, clock_timestamp() - coalesce(
                  (SELECT o.delivered_retention FROM outbox_setting o), interval '7 days'));
    servable  text[];
    waiting_plans uuid[];
    last_plan bigint;
BEGIN
    RETURN QUERY
    WITH open_lines AS (
        SELECT pl.facility_ref, pl.tenant_article_id, sum(pl.quantity)::bigint AS q
          FROM pick_line pl JOIN pick_job j ON j.pick_job_id = pl.pick_job_id
         WHERE j.status = 'OPEN'
         GROUP BY 1, 2)
    SELECT 'reserved_matches_pick_lines',
           format('stock %s/%s', coalesce(s.facility_ref, l.facility_ref),
                  coalesce(s.tenant_article_id, l.tenant_article_id)),
           format('reserved %s, open pick lines %s',
                  coalesce(s.reserved::text, 'no stock row'), coalesce(l.q, 0))
      FROM stock s
      FULL JOIN open_lines l
             ON l.facility_ref = s.facility_ref AND l.tenant_article_id = s.tenant_article_id
     WHERE coalesce(s.reserved, 0) <> coalesce(l.q, 0)
        OR (s.facility_ref IS NULL AND l.q > 0);

    RETURN QUERY
    WITH picked AS (
        SELECT j.order_id, pl.line_id, sum(pl.quantity)::bigint AS q, sum(pl.short_quantity)::bigint AS s
          FROM pick_line pl JOIN pick_job j ON j.pick_job_id = pl.pick_job_id
         WHERE j.status = 'OPEN' GROUP BY 1, 2),
    held AS (
        SELECT rl.order_id, rl.line_id,
               sum(rl.quantity) FILTER (WHERE p.status = 'WAITING')::bigint AS w,
               sum(rl.quantity) FILTER (WHERE p.status = 'NOT_ROUTABLE')::bigint AS n
          FROM routing_plan_line rl JOIN routing_plan p ON p.routing_plan_id = rl.routing_plan_id
         WHERE p.status IN ('WAITING', 'NOT_ROUTABLE') GROUP BY 1, 2)
    SELECT 'line_quantities_add_up',
           format('order %s line %s', ol.order_id, ol.line_id),
           format('ordered %s <> picked %s + short %s + waiting %s + not routable %s + cancelled %s',
                  ol.quantity, coalesce(k.q, 0), coalesce(k.s, 0), coalesce(h.w, 0),
                  coalesce(h.n, 0), ol.cancelled_quantity)
      FROM order_line ol
      LEFT JOIN picked k ON k.order_id = ol.order_id AND k.line_id = ol.line_id
      LEFT JOIN held h ON h.order_id = ol.order_id AND h.line_id = ol.line_id
     WHERE ol.quantity <> coalesce(k.q, 0) + coalesce(k.s, 0) + coalesce(h.w, 0)
                        + coalesce(h.n, 0) + ol.cancelled_quantity;

    RETURN QUERY
    SELECT 'plan_pick_job',
           format('routing plan %s (%s)', p.routing_plan_id, p.status),
           format('%s open pick job(s)', count(j.pick_job_id))
      FROM routing_plan p
      LEFT JOIN pick_job j ON j.routing_plan_id = p.routing_plan_id AND j.status = 'OPEN'
     GROUP BY p.routing_plan_id, p.status
    HAVING count(j.pick_job_id) <> CASE WHEN p.status = 'ROUTED' THEN 1 ELSE 0 END;

    -- Over-reservation is allowed up to what manual assignments and rule 4 reserved there.
    RETURN QUERY
    WITH beyond AS (
        SELECT pl.facility_ref, pl.tenant_article_id,
               sum(pl.quantity) FILTER (WHERE p.run_type = 'MANUAL_ASSIGNMENT'
                                           OR p.decided_by LIKE 'waiting room off:%')::bigint AS q
          FROM pick_line pl
          JOIN pick_job j ON j.pick_job_id = pl.pick_job_id AND j.status = 'OPEN'
          JOIN routing_plan p ON p.routing_plan_id = j.routing_plan_id
         GROUP BY 1, 2)
    SELECT CASE WHEN s.reserved - s.on_hand <= coalesce(b.q, 0) THEN 'no_oversell_allowed'
                ELSE 'no_oversell' END,
           format('stock %s/%s', s.facility_ref, s.tenant_article_id),
           format('reserved %s > on_hand %s; assign_facility/rule 4 reserved %s here',
                  s.reserved, s.on_hand, coalesce(b.q, 0))
      FROM stock s
      LEFT JOIN beyond b ON b.facility_ref = s.facility_ref AND b.tenant_article_id = s.tenant_article_id
     WHERE s.reserved > s.on_hand
       AND (show_allowed OR s.reserved - s.on_hand > coalesce(b.q, 0));

    RETURN QUERY
    WITH expected AS (
        SELECT o.order_id, 'ORDER_CREATED' AS ev, NULL AS k, NULL AS v, 'order ' || o.order_id AS subj
          FROM orders o WHERE o.created_at >= since
        UNION ALL
        SELECT o.order_id, CASE WHEN o.status = 'CANCELLED' THEN 'ORDER_CANCELLED'
                                ELSE 'ORDER_LINES_CANCELLED' END, NULL, NULL, 'order ' || o.order_id
          FROM orders o WHERE o.created_at >= since
           AND EXISTS (SELECT FROM order_line ol
                        WHERE ol.order_id = o.order_id AND ol.cancelled_quantity > 0)
        UNION ALL
        SELECT p.order_id, 'ROUTING_PLAN_' || p.status, 'routingPlanId', p.routing_plan_id::text,
               'routing plan ' || p.routing_plan_id
          FROM routing_plan p WHERE p.updated_at >= since
        UNION ALL
        SELECT j.order_id, 'PICK_JOB_CREATED', 'pickJobId', j.pick_job_id::text, 'pick job ' || j.pick_job_id
          FROM pick_job j WHERE j.created_at >= since
        UNION ALL
        SELECT j.order_id, 'PICK_JOB_CANCELLED', 'pickJobId', j.pick_job_id::text, 'pick job ' || j.pick_job_id
          FROM pick_job j WHERE j.created_at >= since AND j.status = 'CANCELLED')
    SELECT 'events_recorded', x.subj, 'no ' || x.ev || ' event'
      FROM expected x
     WHERE NOT EXISTS (SELECT FROM event e
                        WHERE e.order_id = x.order_id AND e.event = x.ev
                          AND (x.k IS NULL OR e.payload->>x.k = x.v));

    IF NOT quiet THEN
        RETURN;
    END IF;
    -- Lost wake-ups: what reroute_all() would route now, undone. NOT_ROUTABLE plans are set
    -- aside (only reroute/reroute_all retry them, SPEC §4); a WAITING plan turned
    -- NOT_ROUTABLE is no wake-up either, nor one routed by rule 4 (no stock needed: the waiting
    -- room was turned off). Routed, or split with a routed child: servable.
    BEGIN
        -- Due pre-orders and deferred articles are release_due()'s to serve (waitroomd's
        -- timer, SPEC §4), not lost wake-ups: the trial runs it first, and only plans still
        -- waiting after it count.
        PERFORM release_due(clock_timestamp());
        SELECT coalesce(max(p.plan_no), 0) INTO last_plan FROM routing_plan p;
        SELECT array_agg(p.routing_plan_id) INTO waiting_plans FROM routing_plan p WHERE p.status = 'WAITING';
        UPDATE routing_plan SET status = 'CANCELLED' WHERE status = 'NOT_ROUTABLE';
        PERFORM reroute_all();
        SELECT array_agg(format('routing plan %s of order %s', p.routing_plan_id, p.order_id)
                         ORDER BY p.routing_plan_id)
          INTO servable
          FROM routing_plan p
         WHERE p.routing_plan_id = ANY (waiting_plans)
           AND ((p.status = 'ROUTED' AND p.decided_by NOT LIKE 'waiting room off:%')
            OR EXISTS (SELECT FROM routing_plan c
                        WHERE c.parent_routing_plan_id = p.routing_plan_id
                          AND c.plan_no > last_plan AND c.status = 'ROUTED'
                          AND c.decided_by NOT LIKE 'waiting room off:%'));
        RAISE EXCEPTION USING ERRCODE = 'WR000';  -- undo all of it
    EXCEPTION
        WHEN SQLSTATE 'WR000' THEN NULL;
        WHEN OTHERS THEN
            invariant := 'no_lost_wakeup';
            subject := 'reroute_all()';
            detail := format('could not check: %s %s', SQLSTATE, SQLERRM);
            RETURN NEXT;
    END;
    RETURN QUERY
    SELECT 'no_lost_wakeup', s, 'WAITING, but available stock serves it now (reroute_all routes it)'
      FROM unnest(servable) s;
END $$;
-- ---------------------------------------------------------------- stats (issue 12)
-- One row for a DBA or an exporter to poll every few seconds. Each figure reads only what is
-- bounded by the open work (waiting plans, queued articles, open deliveries), through partial
-- indexes, never the history: ROUTED and CANCELLED plans grow without bound, so their counts
-- are estimates from the last ANALYZE (pg_stats; NULL before the first one).
-- Lines per reason need the waiting_room view, whose cost follows the waiting room: not here
-- (README: a GROUP BY on the view, to run rarely).

-- The oldest waiting plan is the first entry, not a walk of every waiting plan.
CREATE INDEX routing_plan_waiting_since ON routing_plan (waiting_since) WHERE status = 'WAITING';
-- Dead letters are few and wait for a person: counting them must not read every pending one.
CREATE INDEX delivery_dead ON delivery (event_id) WHERE state = 'dead';

CREATE VIEW stats AS
SELECT (SELECT count(*) FROM routing_plan p WHERE p.status = 'WAITING') AS plans_waiting,
       (SELECT count(*) FROM routing_plan p WHERE p.status = 'NOT_ROUTABLE') AS plans_not_routable,
       est.routed AS plans_routed_estimate,
       est.cancelled AS plans_cancelled_estimate,
       (SELECT count(*) FROM routing_plan_line l WHERE l.waiting) AS waiting_lines,
       old.since AS oldest_waiting_since,
       now() - old.since AS oldest_waiting_age,
       (SELECT count(*) FROM reroute_queue) AS reroute_queue_depth,
       (SELECT count(*) FROM delivery d WHERE d.state = 'pending') AS deliveries_pending,
       (SELECT count(*) FROM delivery d WHERE d.state = 'dead') AS deliveries_dead
  FROM (SELECT min(p.waiting_since) AS since FROM routing_plan p WHERE p.status = 'WAITING') old
 LEFT JOIN (
       SELECT round(c.reltuples * coalesce(s.most_common_freqs[pg_catalog.array_position(
                  s.most_common_vals::text::text[], 'ROUTED')], 0))::bigint AS routed,
              round(c.reltuples * coalesce(s.most_common_freqs[pg_catalog.array_position(
                  s.most_common_vals::text::text[], 'CANCELLED')], 0))::bigint AS cancelled
         FROM pg_catalog.pg_class c
         LEFT JOIN pg_catalog.pg_stats s
                ON s.schemaname = 'waitroom' AND s.tablename = 'routing_plan'
               AND s.attname = 'status'
        -- reltuples is -1 before the first VACUUM or ANALYZE: no estimate, not 0.
        WHERE c.oid = 'routing_plan'::regclass AND c.reltuples >= 0 AND s.attname IS NOT NULL) est
        ON true;

-- ---------------------------------------------------------------- waitroomd metrics (issue 12)
-- What waitroomd's /metrics reads besides waitroom.stats and outbox_backlog() (contrib/README.md
-- lists the metrics). Both run as the owner (95_privileges.sql): the daemon reads no table
-- directly.

-- Waiting lines per reason: a GROUP BY on the waiting_room view, whose cost follows the waiting
-- room (every waiting article's queue), so the daemon polls it rarely. Reasons without a line
-- are absent (the daemon reports them as 0).
CREATE FUNCTION waiting_lines_by_reason()
RETURNS TABLE (reason text, lines bigint)
-- No JIT: at 100k waiting plans the whole view's plan cost triggers it, and compiling alone
-- took about 1.4 s per query of the same view (docs/dashboard.md).
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
    SELECT w.reason, count(*) FROM waiting_room w GROUP BY w.reason
$$;

-- Seconds from each event's creation until now, in the order given (NULL for an unknown id):
-- the delivery latency, taken by the daemon as it acknowledges, on the database's clock.
CREATE FUNCTION event_ages(event_ids bigint[])
RETURNS double precision[]
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    SELECT array_agg(extract(epoch FROM clock_timestamp() - ev.created_at)::float8 ORDER BY a.n)
      FROM unnest(event_ids) WITH ORDINALITY a(event_id, n)
      LEFT JOIN event ev ON ev.event_id = a.event_id
$$;
-- waitroomd's dashboard (docs/dashboard.md): what its page shows, one function per refresh
-- cadence of the daemon (tiles, oldest waits, event lag and dead letters every 2 s; largest
-- queues, their reasons and the releases every 20 s), as the JSON the page polls. They run as
-- the owner (95_privileges.sql), so waitroom_daemon reads none of these tables and views itself
-- and the view's inner reads need no grant. Each statement is the daemon's query as it was,
-- tuned at 105,000 waiting plans (docs/dashboard.md, "What it costs the database"); JIT off:
-- compiling cost 1.4 s per query at that size. PL/pgSQL: one statement per read, as before (the
-- plan guard judges each on its own).

-- dashboard.json's "stats", "serverTime", "oldest", "subscriptions" and "deadLetters".
CREATE FUNCTION dashboard_summary()
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    tiles jsonb;
    oldest jsonb;
    subscriptions jsonb;
    dead_letters jsonb;
BEGIN
    -- The tiles: waitroom.stats, made to be polled (its waiting_lines counts every waiting line).
    SELECT jsonb_build_object(
               'plansWaiting', s.plans_waiting, 'plansNotRoutable', s.plans_not_routable,
               'waitingLines', s.waiting_lines,
               'oldestWaitSeconds', extract(epoch FROM s.oldest_waiting_age)::float8,
               'rerouteQueueDepth', s.reroute_queue_depth,
               'deliveriesPending', s.deliveries_pending, 'deliveriesDead', s.deliveries_dead)
      INTO tiles FROM stats s;

    -- The oldest waiting plans by the partial index on waiting_since, then their lines in the
    -- waiting_room view, filtered by article (its queue's partition, which reaches the
    -- indexes): the cost follows those articles' queues, not the waiting room. Their articles
    -- by each plan's key (a join could read the plan lines whole).
    WITH oldest AS (
      SELECT p.routing_plan_id, p.waiting_since, p.plan_no FROM routing_plan p
       WHERE p.status = 'WAITING' ORDER BY p.waiting_since, p.plan_no LIMIT 10)
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'orderId', w.order_id, 'tenantOrderId', w.tenant_order_id,
               'article', w.tenant_article_id, 'quantity', w.quantity, 'reason', w.reason,
               'queuePosition', w.queue_position,
               'queueLength', (SELECT count(*) FROM routing_plan_line l
                                WHERE l.waiting AND l.tenant_article_id = w.tenant_article_id),
               'waitingSeconds', extract(epoch FROM now() - w.waiting_since)::float8)
             ORDER BY o.waiting_since, o.plan_no, w.line_id), '[]')
      INTO oldest
      FROM waiting_room w
      JOIN oldest o ON o.routing_plan_id = w.routing_plan_id
     WHERE w.tenant_article_id = ANY (ARRAY(
             SELECT l.tenant_article_id FROM oldest x
              CROSS JOIN LATERAL (
                    SELECT l.tenant_article_id FROM routing_plan_line l
                     WHERE l.routing_plan_id = x.routing_plan_id AND l.waiting OFFSET 0) l));

    -- Per subscription: outbox_backlog() for it alone (the pending partial index; the
    -- outbox_status view counts every delivered row: 2.9 s at 400,000 deliveries). A paused
    -- one shows no backlog: its deliveries are held, not late.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'subscription', x.subscription_id, 'kind', x.kind, 'active', x.active,
               'pending', x.pending, 'lagSeconds', x.lag_seconds, 'dead', x.dead)
             ORDER BY x.subscription_id), '[]')
      INTO subscriptions
      FROM (SELECT s.subscription_id, s.kind, s.active,
                   CASE WHEN s.active THEN b.pending END AS pending,
                   CASE WHEN s.active THEN b.oldest_pending_age END AS lag_seconds,
                   (SELECT count(*) FROM dead_letter d
                     WHERE d.subscription_id = s.subscription_id) AS dead
              FROM subscription s
             CROSS JOIN LATERAL outbox_backlog(false, s.subscription_id) b
             ORDER BY s.subscription_id LIMIT 50) x;

    -- The oldest 20 dead letters, without their payload.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'subscription', x.subscription_id, 'eventId', x.event_id, 'event', x.event,
               'attempts', x.attempts, 'lastError', x.last_error,
               'blockedEvents', x.blocked_events, 'ageSeconds', x.age_seconds)
             ORDER BY x.event_id), '[]')
      INTO dead_letters
      FROM (SELECT d.subscription_id, d.event_id, d.event, d.attempts, d.last_error,
                   d.blocked_events, extract(epoch FROM now() - d.created_at)::float8 AS age_seconds
              FROM dead_letter d ORDER BY d.event_id LIMIT 20) x;

    RETURN jsonb_build_object('stats', tiles, 'serverTime', extract(epoch FROM now())::float8,
                              'oldest', oldest, 'subscriptions', subscriptions,
                              'deadLetters', dead_letters);
END $$;

-- The `articles` articles with the most waiting lines and why they wait, and the plans
-- released from and entering the waiting room per minute of the last hour, counted over the
-- newest `recent_events` events: dashboard.json's "articles", "reasons", "reasonsCoverLines"
-- and "releases".
CREATE FUNCTION dashboard_queues(articles int, recent_events int)
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    largest jsonb;
    largest_ids text[];
    covered bigint;
    queues jsonb;
    releases jsonb;
BEGIN
    -- The articles with the most waiting lines: every waiting line, grouped by article.
    SELECT coalesce(jsonb_agg(jsonb_build_object('article', q.tenant_article_id,
                                                 'lines', q.lines, 'quantity', q.quantity)
                              ORDER BY q.lines DESC, q.tenant_article_id), '[]'),
           coalesce(array_agg(q.tenant_article_id), '{}'), coalesce(sum(q.lines), 0)
      INTO largest, largest_ids, covered
      FROM (SELECT l.tenant_article_id, count(*) AS lines, sum(l.quantity) AS quantity
              FROM routing_plan_line l WHERE l.waiting
             GROUP BY l.tenant_article_id ORDER BY count(*) DESC, l.tenant_article_id
             LIMIT articles) q;

    -- Why they wait: the view filtered by those articles (a GROUP BY of the whole view
    -- computes every queue: 10 s at 105,000 waiting lines).
    WITH r AS MATERIALIZED (
      SELECT w.tenant_article_id, w.reason, count(*) AS lines, sum(w.quantity) AS quantity
        FROM waiting_room w WHERE w.tenant_article_id = ANY (largest_ids)
       GROUP BY 1, 2)
    SELECT jsonb_build_object(
               'articles', (
                   SELECT coalesce(jsonb_agg(a.article || jsonb_build_object('reasons', (
                              SELECT coalesce(jsonb_object_agg(r.reason, r.lines), '{}')
                                FROM r WHERE r.tenant_article_id = a.article->>'article'))
                            ORDER BY a.n), '[]')
                     FROM jsonb_array_elements(largest) WITH ORDINALITY a(article, n)),
               'reasons', (
                   SELECT coalesce(jsonb_agg(jsonb_build_object('reason', x.reason,
                                                                'lines', x.lines,
                                                                'quantity', x.quantity)
                                             ORDER BY x.reason COLLATE "C"), '[]')
                     FROM (SELECT r.reason, sum(r.lines) AS lines, sum(r.quantity) AS quantity
                             FROM r GROUP BY r.reason) x),
               'reasonsCoverLines', covered)
      INTO queues;

    -- Plans released from the waiting room (ROUTED by a REACTIVATION: a restock, a listing or
    -- facility change, release_due) and plans entering it, per minute of the last hour: the
    -- newest events only, backwards by the primary key.
    WITH recent AS MATERIALIZED (
      SELECT e.event, e.created_at,
             e.event = 'ROUTING_PLAN_ROUTED' AND e.payload->>'runType' = 'REACTIVATION'
                 AS released
        FROM event e ORDER BY e.event_id DESC LIMIT recent_events)
    SELECT jsonb_build_object(
               'limit', recent_events, 'scanned', coalesce(max(m.scanned), 0),
               'since', max(m.since),
               'minutes', coalesce(jsonb_agg(jsonb_build_object(
                              'minute', m.minute, 'released', m.released,
                              'entered', m.entered) ORDER BY m.minute), '[]'))
      INTO releases
      FROM (SELECT extract(epoch FROM date_trunc('minute', r.created_at))::bigint AS minute,
                   count(*) FILTER (WHERE r.released) AS released,
                   count(*) FILTER (WHERE r.event = 'ROUTING_PLAN_WAITING') AS entered,
                   (SELECT count(*) FROM recent) AS scanned,
                   (SELECT extract(epoch FROM min(x.created_at))::float8 FROM recent x) AS since
              FROM recent r
             WHERE r.created_at >= date_trunc('minute', now()) - interval '59 minutes'
             GROUP BY 1) m;

    RETURN queues || jsonb_build_object('releases', releases);
END $$;
-- Introspection for tests and DBAs. None of it is for PUBLIC.

-- Every statement the C module prepares (SPI), as [{"sql", "nargs"}]; parameters are text.
-- test/suites/25-plan-guard.sh EXPLAINs each as the generic plan it runs.
CREATE FUNCTION _statements() RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_statements' LANGUAGE C STABLE
SET search_path = waitroom, pg_catalog, pg_temp;

-- The functions, aggregates, window functions and operators that a statement text resolves to
-- under waitroom's own path (nargs text parameters, or NULL: $n of inferred types), schema-
-- qualified. A text that does not analyze gives a row ('error', message); a utility statement
-- ('utility', its tag). test/suites/26-search-path.sh plants overrides of each.
CREATE FUNCTION _routines_used(sql text, nargs int DEFAULT NULL)
RETURNS TABLE (kind text, signature text)
AS 'MODULE_PATHNAME', 'waitroom_routines_used' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

-- From now on in this session, every statement analyzed inside a function or trigger (SPI,
-- PL/pgSQL, SQL function bodies; not the session's own statements) is recorded with the
-- routines it resolved to; _recorded_routines() lists them: ('statement', NULL, query_id,
-- text) per statement, (kind, signature, query_id, NULL) per routine it uses.
CREATE FUNCTION _record_routines() RETURNS void
AS 'MODULE_PATHNAME', 'waitroom_record_routines' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _recorded_routines()
RETURNS TABLE (kind text, signature text, query_id bigint, statement text)
AS 'MODULE_PATHNAME', 'waitroom_recorded_routines' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

REVOKE EXECUTE ON FUNCTION _statements(), _routines_used(text, int), _record_routines(),
    _recorded_routines() FROM PUBLIC;
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
ALTER FUNCTION place_order(jsonb) SECURITY DEFINER;
ALTER FUNCTION cancel_order(uuid, jsonb) SECURITY DEFINER;
ALTER FUNCTION reroute(uuid) SECURITY DEFINER;
ALTER FUNCTION reroute_all() SECURITY DEFINER;
ALTER FUNCTION assign_facility(uuid, text, jsonb) SECURITY DEFINER;
ALTER FUNCTION release_due(timestamptz) SECURITY DEFINER;
ALTER FUNCTION claim_deliveries(bool, text, int, int) SECURITY DEFINER;
ALTER FUNCTION ack_deliveries(text[], bigint[], text) SECURITY DEFINER;
ALTER FUNCTION fail_delivery(text, bigint, text, interval, int, text) SECURITY DEFINER;
ALTER FUNCTION outbox_backlog(bool, text) SECURITY DEFINER;
ALTER FUNCTION purge_delivered(interval, int) SECURITY DEFINER;
-- Triggers that serve the waiting room when an app raises stock or changes the network.
ALTER FUNCTION _stock_changed() SECURITY DEFINER;
ALTER FUNCTION _listing_changed() SECURITY DEFINER;
ALTER FUNCTION _facility_changed() SECURITY DEFINER;

-- ---------------------------------------------------------------- waitroom_app
GRANT EXECUTE ON FUNCTION place_order(jsonb), cancel_order(uuid, jsonb), reroute(uuid),
    reroute_all(), assign_facility(uuid, text, jsonb), order_json(uuid) TO waitroom_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON facility, listing TO waitroom_app;
-- on_hand only: `reserved` is waitroom's. No DELETE: a row may hold reservations.
GRANT SELECT, INSERT (facility_ref, tenant_article_id, on_hand), UPDATE (on_hand)
    ON stock TO waitroom_app;
GRANT SELECT ON routing_strategy, orders, order_line, routing_plan, routing_plan_line,
    pick_job, pick_line, waiting_room TO waitroom_app;

-- ---------------------------------------------------------------- waitroom_reader
GRANT EXECUTE ON FUNCTION order_json(uuid), check_invariants(bool, bool, timestamptz)
    TO waitroom_reader;
GRANT SELECT ON facility, listing, stock, routing_strategy, orders, order_line, routing_plan,
    routing_plan_line, pick_job, pick_line, event, reroute_queue, delivery, outbox_setting,
    waiting_room, dead_letter, outbox_status, stats TO waitroom_reader;
GRANT SELECT (subscription_id, kind, events, url, max_attempts, active, created_at)
    ON subscription TO waitroom_reader;
-- waitroom's locks (34_lock_protocol.sql): the view calls lock_tags() as its reader.
GRANT EXECUTE ON FUNCTION lock_tags(), article_lock_bucket(text) TO waitroom_reader;
GRANT SELECT ON lock_holders TO waitroom_reader;

-- The waiting_room view calls these as its reader (31_waiting_queue.sql); they only read.
GRANT EXECUTE ON FUNCTION candidate_offer(text[], timestamptz), waiting_queue(text[], uuid[], uuid)
    TO waitroom_app, waitroom_reader;

-- ---------------------------------------------------------------- waitroom_daemon
GRANT EXECUTE ON FUNCTION claim_deliveries(bool, text, int, int),
    ack_deliveries(text[], bigint[], text), fail_delivery(text, bigint, text, interval, int, text),
    outbox_backlog(bool, text), release_due(timestamptz), purge_delivered(interval, int)
    TO waitroom_daemon;

-- ---------------------------------------------------------------- waitroomd metrics (issue 12)
-- /metrics: the waiting-room gauges (stats; the ROUTED/CANCELLED estimates read pg_stats,
-- which shows a column's statistics only to who may read it), lag per subscription
-- (outbox_backlog() per subscription: the names and whether paused), waiting lines per
-- reason and the delivery latency (72_metrics.sql).
ALTER FUNCTION waiting_lines_by_reason() SECURITY DEFINER;
ALTER FUNCTION event_ages(bigint[]) SECURITY DEFINER;
GRANT EXECUTE ON FUNCTION waiting_lines_by_reason(), event_ages(bigint[]) TO waitroom_daemon;
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
REVOKE EXECUTE ON FUNCTION redeliver(text, bigint, bigint, boolean) FROM PUBLIC;

-- ---------------------------------------------------------------- explain (issue 12, 5a)
-- Apps and DBAs read why an order waits; explain() runs as its caller (it only reads what
-- both roles may read anyway), and nobody but the decision writer writes the log.
-- _decision_log() expands a stored log for explain(), as its caller; it only computes.
GRANT EXECUTE ON FUNCTION explain(uuid), _decision_log(jsonb) TO waitroom_app, waitroom_reader;
GRANT SELECT ON routing_decision TO waitroom_app, waitroom_reader;
