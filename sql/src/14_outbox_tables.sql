-- The outbox's tables (50_outbox.sql has what they are for) and the indexes the stats view
-- reads (70_stats.sql). Tables live in sql/src/1*.sql (see 12_waiting_room_tables.sql).

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
    event_id        bigint NOT NULL,
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
    tenant_id       text NOT NULL DEFAULT 'default',
    PRIMARY KEY (tenant_id, event_id, subscription_id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES event ON DELETE CASCADE
);
-- Lanes with open work: the head test ("nothing earlier is open") and the DBA views.
CREATE INDEX delivery_open_by_lane ON delivery (tenant_id, subscription_id, order_id, event_id)
    WHERE state IN ('pending', 'dead');
-- Claims walk due deliveries, oldest due first, and stop at the first one not yet due: a lane
-- backing off (or behind a dead letter) has all its rows pushed into the future, so it costs
-- nothing until it is due again.
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE state = 'pending';
-- The lag: the oldest pending event. Also how an ack or a failure given an event id without its
-- tenant finds its row (both touch pending rows only).
CREATE INDEX delivery_pending_by_event ON delivery (event_id) WHERE state = 'pending';
-- Events by id alone, whatever their tenant (event_by_id, 10_schema.sql): the outbox's id
-- ranges (redeliver, purge_delivered), the dashboard's newest events and a lookup by id without
-- its tenant (event_ages) walk it.

-- Retention of delivered events. No row = the default (7 days); set_outbox_retention() sets it.
CREATE TABLE outbox_setting (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    delivered_retention interval NOT NULL CHECK (delivered_retention >= interval '0')
);

-- Every row, the built-in stdout one too (paused, events, max_attempts are the merchant's):
-- a dump load replaces the row CREATE EXTENSION made (_dump_load_starts, 22_direct_writes.sql).
SELECT pg_catalog.pg_extension_config_dump('subscription', '');
SELECT pg_catalog.pg_extension_config_dump('delivery', '');
SELECT pg_catalog.pg_extension_config_dump('outbox_setting', '');
-- The outbox's id sequence too: without it a restored database hands out event ids again from 1.
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('waitroom.event', 'event_id')::regclass, '');

-- stats (70_stats.sql): the oldest waiting plan is the first entry, not a walk of every
-- waiting plan.
CREATE INDEX routing_plan_waiting_since ON routing_plan (waiting_since) WHERE status = 'WAITING';
-- Dead letters are few and wait for a person: counting them must not read every pending one.
CREATE INDEX delivery_dead ON delivery (event_id) WHERE state = 'dead';
