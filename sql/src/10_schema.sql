-- waitroom schema: the objects of SPEC §1. Constraints carry the contract's rules so that
-- direct writes with bad values fail (23514 check, 23503 foreign key, 23505 unique).

\echo Use "CREATE EXTENSION waitroom" to load this file. \quit

-- The schema is the extension's own (waitroom.control installs the extension itself in
-- pg_catalog), so DROP EXTENSION drops it too. CREATE SCHEMA without IF NOT EXISTS: a schema
-- someone else made beforehand is never adopted.
CREATE SCHEMA waitroom;
SET LOCAL search_path = waitroom, pg_catalog;

-- ---------------------------------------------------------------- network and inventory

-- Tenants (SPEC §7): every table's key starts with tenant_id, and every reference between
-- tables carries it, so no row of one tenant can point at another's. On Citus every table is
-- distributed by it, co-located (waitroom.distribute()). It is each table's last column: an
-- upgrade from 0.2.0 appends it there, and an INSERT that lists only §1's columns by position
-- keeps working.

CREATE TABLE facility (
    facility_ref text NOT NULL CHECK (facility_ref <> ''),
    name         text,
    status       text NOT NULL DEFAULT 'ONLINE'
                 CHECK (status IN ('ONLINE', 'SUSPENDED', 'OFFLINE')),
    lat          double precision CHECK (lat BETWEEN -90 AND 90),
    lon          double precision CHECK (lon BETWEEN -180 AND 180),
    tenant_id    text NOT NULL DEFAULT 'default' CHECK (tenant_id <> ''),
    PRIMARY KEY (tenant_id, facility_ref),
    CONSTRAINT facility_location_complete CHECK ((lat IS NULL) = (lon IS NULL))
);

CREATE TABLE listing (
    facility_ref            text NOT NULL,
    tenant_article_id       text NOT NULL CHECK (tenant_article_id <> ''),
    status                  text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
    out_of_stock_behaviour  text NOT NULL DEFAULT 'NONE'
                            CHECK (out_of_stock_behaviour IN ('NONE', 'BACKORDER', 'PREORDER')),
    preorder_available_from timestamptz,
    tenant_id               text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, facility_ref, tenant_article_id),
    FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE,
    CONSTRAINT listing_preorder_needs_time
        CHECK (out_of_stock_behaviour <> 'PREORDER' OR preorder_available_from IS NOT NULL)
);
-- Routing loads every listing of the order's articles at once. Covering: listings change
-- rarely, so their pages stay all-visible and the read is an index-only scan of an article's
-- few leaf entries instead of one heap page per facility.
-- The article first, then the tenant: an app that never names a tenant (SPEC §7) writes
-- `WHERE facility_ref = $1 AND tenant_article_id = $2`, which the key (tenant first) cannot
-- seek; this index can, and serves the tenant's lookups by article as well.
CREATE INDEX listing_by_article ON listing (tenant_article_id, tenant_id)
    INCLUDE (facility_ref, status, out_of_stock_behaviour, preorder_available_from);
-- release_due() finds the pre-orders whose time has come without reading every listing.
CREATE INDEX listing_preorder_due ON listing (preorder_available_from)
    WHERE out_of_stock_behaviour = 'PREORDER' AND status = 'ACTIVE';

CREATE TABLE stock (
    facility_ref      text NOT NULL,
    tenant_article_id text NOT NULL CHECK (tenant_article_id <> ''),
    on_hand           int  NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    -- Kept by waitroom: the sum of open pick-line quantities at this row.
    reserved          int  NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    tenant_id         text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, facility_ref, tenant_article_id),
    FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE
);
-- Article first, as listing_by_article.
CREATE INDEX stock_by_article ON stock (tenant_article_id, tenant_id);

-- One row per tenant. A tenant without a row routes under the defaults below (the row
-- CREATE EXTENSION makes for 'default' holds them too).
CREATE TABLE routing_strategy (
    complete_stock_fence_active               bool NOT NULL DEFAULT true,
    complete_stock_fence_mode                 text NOT NULL DEFAULT 'reactive'
                                              CHECK (complete_stock_fence_mode IN ('static', 'reactive')),
    order_split_active                        bool NOT NULL DEFAULT true,
    max_split_count                           int  NOT NULL DEFAULT 3 CHECK (max_split_count >= 1),
    use_waiting_room_for_pre_back_order_items bool NOT NULL DEFAULT false,
    waiting_room_priority                     text NOT NULL DEFAULT 'FIFO'
                                              CHECK (waiting_room_priority IN ('FIFO', 'STRICT_FIFO', 'PRIORITY')),
    tenant_id                                 text PRIMARY KEY DEFAULT 'default' CHECK (tenant_id <> '')
);
INSERT INTO routing_strategy DEFAULT VALUES;

-- ---------------------------------------------------------------- orders

CREATE TABLE orders (
    order_id        uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_order_id text NOT NULL CHECK (tenant_order_id <> ''),
    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CANCELLED')),
    order_date      timestamptz NOT NULL DEFAULT now(),
    priority        int NOT NULL DEFAULT 0,
    consumer_lat    double precision CHECK (consumer_lat BETWEEN -90 AND 90),
    consumer_lon    double precision CHECK (consumer_lon BETWEEN -180 AND 180),
    -- The place_order body, so that a retry with the same body is recognised.
    request         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    tenant_id       text NOT NULL DEFAULT 'default' CHECK (tenant_id <> ''),
    PRIMARY KEY (tenant_id, order_id)
);
-- One OPEN order per tenant order id; a cancelled one frees the id for reuse.
CREATE UNIQUE INDEX orders_open_tenant_order_id ON orders (tenant_id, tenant_order_id)
    WHERE status = 'OPEN';
-- reroute(order_id) and cancel_order(order_id) called without their tenant find it here.
-- Not unique: on Citus a unique index must include tenant_id (order ids are random uuids).
CREATE INDEX orders_by_order_id ON orders (order_id);

CREATE TABLE order_line (
    order_id           uuid NOT NULL,
    line_id            text NOT NULL CHECK (line_id <> ''),
    position           int  NOT NULL CHECK (position >= 1),
    tenant_article_id  text NOT NULL CHECK (tenant_article_id <> ''),
    quantity           int  NOT NULL CHECK (quantity > 0),
    bundle_ref         text,
    cancelled_quantity int  NOT NULL DEFAULT 0,
    tenant_id          text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, order_id, line_id),
    UNIQUE (tenant_id, order_id, position),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE,
    CONSTRAINT order_line_cancel_within_quantity CHECK (cancelled_quantity BETWEEN 0 AND quantity)
);

-- ---------------------------------------------------------------- routing

CREATE TABLE routing_plan (
    routing_plan_id        uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Creation order, for listing an order's plans stably.
    plan_no                bigint GENERATED ALWAYS AS IDENTITY,
    order_id               uuid NOT NULL,
    parent_routing_plan_id uuid,
    status                 text NOT NULL
                           CHECK (status IN ('WAITING', 'ROUTED', 'NOT_ROUTABLE', 'CANCELLED')),
    facility_ref           text,
    run_type               text NOT NULL DEFAULT 'DEFAULT'
                           CHECK (run_type IN ('DEFAULT', 'REACTIVATION', 'REROUTE', 'MANUAL_ASSIGNMENT')),
    waiting_since          timestamptz,
    -- Which routing rule decided, in words (SPEC §3), for DBAs.
    decided_by             text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    tenant_id              text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, routing_plan_id),
    UNIQUE (tenant_id, plan_no),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, parent_routing_plan_id) REFERENCES routing_plan,
    FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE,
    CONSTRAINT routing_plan_routed_has_facility CHECK (status <> 'ROUTED' OR facility_ref IS NOT NULL),
    CONSTRAINT routing_plan_unrouted_has_no_facility
        CHECK (status NOT IN ('WAITING', 'NOT_ROUTABLE') OR facility_ref IS NULL),
    CONSTRAINT routing_plan_waiting_has_since CHECK (status <> 'WAITING' OR waiting_since IS NOT NULL)
);
CREATE INDEX routing_plan_by_order ON routing_plan (tenant_id, order_id);
CREATE INDEX routing_plan_by_parent ON routing_plan (tenant_id, parent_routing_plan_id)
    WHERE parent_routing_plan_id IS NOT NULL;
CREATE INDEX routing_plan_unrouted ON routing_plan (tenant_id, status)
    WHERE status IN ('WAITING', 'NOT_ROUTABLE');
-- assign_facility(routing_plan_id) called without its tenant finds it here.
CREATE INDEX routing_plan_by_id ON routing_plan (routing_plan_id);

CREATE TABLE routing_plan_line (
    routing_plan_id   uuid NOT NULL,
    order_id          uuid NOT NULL,
    line_id           text NOT NULL,
    tenant_article_id text NOT NULL,
    -- What this plan picks, short-picks or keeps waiting of the line; 0 once moved elsewhere.
    quantity          int  NOT NULL CHECK (quantity >= 0),
    -- True while the plan is WAITING and the line still waits here: the waiting room's
    -- index by article, so that a restock finds the plans it can serve directly.
    waiting           bool NOT NULL DEFAULT false,
    tenant_id         text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, routing_plan_id, line_id),
    FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id, line_id) REFERENCES order_line ON DELETE CASCADE
);
-- Article first, as listing_by_article (the waiting_room view read by article alone).
CREATE INDEX waiting_plan_line_by_article
    ON routing_plan_line (tenant_article_id, tenant_id, routing_plan_id)
    WHERE waiting;

CREATE TABLE pick_job (
    pick_job_id     uuid NOT NULL DEFAULT gen_random_uuid(),
    routing_plan_id uuid NOT NULL,
    order_id        uuid NOT NULL,
    facility_ref    text NOT NULL,
    status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CANCELLED')),
    sub_status      text CHECK (sub_status IN ('SHORT_PICKED')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    tenant_id       text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, pick_job_id),
    UNIQUE (tenant_id, routing_plan_id),
    FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE
);
CREATE INDEX pick_job_by_order ON pick_job (tenant_id, order_id);

CREATE TABLE pick_line (
    pick_job_id       uuid NOT NULL,
    line_id           text NOT NULL,
    facility_ref      text NOT NULL,
    tenant_article_id text NOT NULL,
    quantity          int  NOT NULL CHECK (quantity >= 0),
    short_quantity    int  NOT NULL DEFAULT 0 CHECK (short_quantity >= 0),
    tenant_id         text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, pick_job_id, line_id),
    FOREIGN KEY (tenant_id, pick_job_id) REFERENCES pick_job ON DELETE CASCADE
);
-- Reservations by stock row: reserved = sum(quantity) of the open pick lines here.
CREATE INDEX pick_line_by_stock_row ON pick_line (tenant_id, facility_ref, tenant_article_id);

-- ---------------------------------------------------------------- outbox

CREATE TABLE event (
    event_id   bigint GENERATED ALWAYS AS IDENTITY,
    event      text NOT NULL CHECK (event IN (
                   'ORDER_CREATED', 'ORDER_CANCELLED', 'ORDER_LINES_CANCELLED',
                   'ROUTING_PLAN_ROUTED', 'ROUTING_PLAN_WAITING', 'ROUTING_PLAN_SPLITTED',
                   'ROUTING_PLAN_NOT_ROUTABLE', 'ROUTING_PLAN_CANCELLED',
                   'PICK_JOB_CREATED', 'PICK_JOB_CANCELLED')),
    -- The aggregate: events of one order are published in event_id order.
    order_id   uuid,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    tenant_id  text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX event_by_order ON event (tenant_id, order_id, event_id);
-- waitroomd acknowledges, and redeliver() and the dead letters read, events by id alone.
CREATE INDEX event_by_id ON event (event_id);

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
