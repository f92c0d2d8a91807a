-- ---------------------------------------------------------------- tables of SPEC §1
-- References first (they use the keys), then the keys, then the keys again with tenant_id,
-- then the references. Names are those CREATE TABLE gives a fresh 0.3.0 install.
ALTER TABLE routing_decision DROP CONSTRAINT routing_decision_routing_plan_id_fkey;
ALTER TABLE delivery DROP CONSTRAINT delivery_event_id_fkey;
ALTER TABLE listing DROP CONSTRAINT listing_facility_ref_fkey;
ALTER TABLE stock DROP CONSTRAINT stock_facility_ref_fkey;
ALTER TABLE order_line DROP CONSTRAINT order_line_order_id_fkey;
ALTER TABLE routing_plan DROP CONSTRAINT routing_plan_order_id_fkey,
                         DROP CONSTRAINT routing_plan_parent_routing_plan_id_fkey,
                         DROP CONSTRAINT routing_plan_facility_ref_fkey;
ALTER TABLE routing_plan_line DROP CONSTRAINT routing_plan_line_routing_plan_id_fkey,
                              DROP CONSTRAINT routing_plan_line_order_id_line_id_fkey;
ALTER TABLE pick_job DROP CONSTRAINT pick_job_routing_plan_id_fkey,
                     DROP CONSTRAINT pick_job_order_id_fkey,
                     DROP CONSTRAINT pick_job_facility_ref_fkey;
ALTER TABLE pick_line DROP CONSTRAINT pick_line_pick_job_id_fkey;

ALTER TABLE facility DROP CONSTRAINT facility_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' CHECK (tenant_id <> ''),
    ADD PRIMARY KEY (tenant_id, facility_ref);
ALTER TABLE listing DROP CONSTRAINT listing_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, facility_ref, tenant_article_id),
    ADD FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE;
DROP INDEX listing_by_article;
CREATE INDEX listing_by_article ON listing (tenant_article_id, tenant_id)
    INCLUDE (facility_ref, status, out_of_stock_behaviour, preorder_available_from);
ALTER TABLE stock DROP CONSTRAINT stock_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, facility_ref, tenant_article_id),
    ADD FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE;
DROP INDEX stock_by_article;
CREATE INDEX stock_by_article ON stock (tenant_article_id, tenant_id);

-- The one row becomes the default tenant's.
ALTER TABLE routing_strategy DROP COLUMN id,
    ADD COLUMN tenant_id text PRIMARY KEY DEFAULT 'default' CHECK (tenant_id <> '');

ALTER TABLE orders DROP CONSTRAINT orders_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default' CHECK (tenant_id <> ''),
    ADD PRIMARY KEY (tenant_id, order_id);
DROP INDEX orders_open_tenant_order_id;
CREATE UNIQUE INDEX orders_open_tenant_order_id ON orders (tenant_id, tenant_order_id)
    WHERE status = 'OPEN';
CREATE INDEX orders_by_order_id ON orders (order_id);
ALTER TABLE order_line DROP CONSTRAINT order_line_pkey, DROP CONSTRAINT order_line_order_id_position_key,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, order_id, line_id),
    ADD UNIQUE (tenant_id, order_id, position),
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE;

ALTER TABLE routing_plan DROP CONSTRAINT routing_plan_pkey, DROP CONSTRAINT routing_plan_plan_no_key,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, routing_plan_id),
    ADD UNIQUE (tenant_id, plan_no),
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, parent_routing_plan_id) REFERENCES routing_plan,
    ADD FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE;
DROP INDEX routing_plan_by_order, routing_plan_by_parent, routing_plan_unrouted;
CREATE INDEX routing_plan_by_order ON routing_plan (tenant_id, order_id);
CREATE INDEX routing_plan_by_parent ON routing_plan (tenant_id, parent_routing_plan_id)
    WHERE parent_routing_plan_id IS NOT NULL;
CREATE INDEX routing_plan_unrouted ON routing_plan (tenant_id, status)
    WHERE status IN ('WAITING', 'NOT_ROUTABLE');
CREATE INDEX routing_plan_by_id ON routing_plan (routing_plan_id);

ALTER TABLE routing_plan_line DROP CONSTRAINT routing_plan_line_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, routing_plan_id, line_id),
    ADD FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, order_id, line_id) REFERENCES order_line ON DELETE CASCADE;
DROP INDEX waiting_plan_line_by_article;
CREATE INDEX waiting_plan_line_by_article
    ON routing_plan_line (tenant_article_id, tenant_id, routing_plan_id)
    WHERE waiting;

ALTER TABLE pick_job DROP CONSTRAINT pick_job_pkey, DROP CONSTRAINT pick_job_routing_plan_id_key,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, pick_job_id),
    ADD UNIQUE (tenant_id, routing_plan_id),
    ADD FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders ON DELETE CASCADE,
    ADD FOREIGN KEY (tenant_id, facility_ref) REFERENCES facility ON UPDATE CASCADE;
DROP INDEX pick_job_by_order;
CREATE INDEX pick_job_by_order ON pick_job (tenant_id, order_id);

ALTER TABLE pick_line DROP CONSTRAINT pick_line_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, pick_job_id, line_id),
    ADD FOREIGN KEY (tenant_id, pick_job_id) REFERENCES pick_job ON DELETE CASCADE;
DROP INDEX pick_line_by_stock_row;
CREATE INDEX pick_line_by_stock_row ON pick_line (tenant_id, facility_ref, tenant_article_id);

-- ---------------------------------------------------------------- the waiting room's and explain's
ALTER TABLE reroute_queue DROP CONSTRAINT reroute_queue_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, entry_id);
ALTER TABLE routing_decision DROP CONSTRAINT routing_decision_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, routing_plan_id),
    ADD FOREIGN KEY (tenant_id, routing_plan_id) REFERENCES routing_plan ON DELETE CASCADE;

-- ---------------------------------------------------------------- the outbox
ALTER TABLE event DROP CONSTRAINT event_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, event_id);
DROP INDEX event_by_order;
CREATE INDEX event_by_order ON event (tenant_id, order_id, event_id);
CREATE INDEX event_by_id ON event (event_id);
ALTER TABLE delivery DROP CONSTRAINT delivery_pkey,
    ADD COLUMN tenant_id text NOT NULL DEFAULT 'default',
    ADD PRIMARY KEY (tenant_id, event_id, subscription_id),
    ADD FOREIGN KEY (tenant_id, event_id) REFERENCES event ON DELETE CASCADE;
DROP INDEX delivery_open_by_lane;
CREATE INDEX delivery_open_by_lane ON delivery (tenant_id, subscription_id, order_id, event_id)
    WHERE state IN ('pending', 'dead');
