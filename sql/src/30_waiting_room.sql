-- The waiting room (SPEC §4): triggers that wake it, the manual actions, the DBA view.

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

-- A pass over some articles of one tenant (the triggers below call it once per tenant).
CREATE FUNCTION _reactivate(tenant_id text, articles jsonb) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reactivate'
LANGUAGE C STRICT VOLATILE SET search_path = waitroom, pg_catalog, pg_temp;

-- Listing changes (status, behaviour, pre-order time) can serve waiting plans too: one pass
-- per tenant whose rows changed, in tenant order.
CREATE FUNCTION _listing_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    PERFORM _reactivate(c.tenant_id, c.articles)
       FROM (SELECT n.tenant_id, jsonb_agg(DISTINCT n.tenant_article_id) AS articles
               FROM new_rows n
              WHERE n.status = 'ACTIVE'
              GROUP BY n.tenant_id
              ORDER BY n.tenant_id) c;
    RETURN NULL;
END $$;
CREATE TRIGGER listing_inserted AFTER INSERT ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();
CREATE TRIGGER listing_updated AFTER UPDATE ON listing
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _listing_changed();

-- Per tenant: each tenant's listings of its facilities that came ONLINE, read by tenant.
CREATE FUNCTION _facility_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    t text;
    refs text[];
BEGIN
    FOR t, refs IN SELECT n.tenant_id, array_agg(DISTINCT n.facility_ref)
                     FROM new_rows n
                    WHERE n.status = 'ONLINE'
                    GROUP BY n.tenant_id
                    ORDER BY n.tenant_id LOOP
        PERFORM _reactivate(t, jsonb_agg(DISTINCT l.tenant_article_id))
           FROM listing l
          WHERE l.tenant_id = t AND l.facility_ref = ANY (refs)
         HAVING count(*) > 0;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER facility_updated AFTER UPDATE ON facility
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _facility_changed();

-- A change of the routing strategy (leaving STRICT_FIFO, turning the split on, a higher
-- max_split_count, the waiting room on or off) can serve waiting plans: the statement serves
-- the waiting room of each tenant whose strategy changed under its new strategy, as a pass
-- (what it cannot serve stays WAITING). A tenant whose row is deleted routes under the
-- defaults from then on: that is a change too. Before it writes, it waits for every decision made under the old strategy
-- (extension/pg/lock_protocol.cpp, the strategy lock), so none of them is left waiting after
-- this pass; decisions that start meanwhile wait for its commit and read the new strategy.
CREATE FUNCTION _strategy_changing() RETURNS trigger
AS 'MODULE_PATHNAME', 'waitroom_strategy_changing' LANGUAGE C
SET search_path = waitroom, pg_catalog, pg_temp;
-- A pass over a tenant's whole waiting room costs what reroute_all(tenant) does, so only a
-- change that can serve more runs one: FIFO <-> PRIORITY or a move to STRICT_FIFO serves
-- nothing new (first fit in any order leaves waiting only what exceeds availability),
-- anything else may. A row inserted or deleted (the tenant's strategy to or from the
-- defaults) always runs one for its tenant.
CREATE FUNCTION _strategy_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    tenants text[];
    t text;
BEGIN
    -- Each branch reads only the transition tables its trigger has (PL/pgSQL prepares a
    -- statement when it first runs it).
    IF TG_OP = 'INSERT' THEN
        tenants := ARRAY(SELECT DISTINCT n.tenant_id FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        tenants := ARRAY(SELECT DISTINCT o.tenant_id FROM old_rows o);
    ELSE
        -- Tenants whose row changed in a way that can serve more; a row moved to another
        -- tenant changes both (the old one routes under the defaults now).
        tenants := ARRAY(
            SELECT coalesce(n.tenant_id, o.tenant_id)
              FROM old_rows o
              FULL JOIN new_rows n ON n.tenant_id = o.tenant_id
             WHERE o.tenant_id IS NULL OR n.tenant_id IS NULL
                OR (o.complete_stock_fence_active, o.complete_stock_fence_mode,
                    o.order_split_active, o.max_split_count,
                    o.use_waiting_room_for_pre_back_order_items)
                   IS DISTINCT FROM
                   (n.complete_stock_fence_active, n.complete_stock_fence_mode,
                    n.order_split_active, n.max_split_count,
                    n.use_waiting_room_for_pre_back_order_items)
                OR (o.waiting_room_priority = 'STRICT_FIFO'
                    AND n.waiting_room_priority <> 'STRICT_FIFO'));
    END IF;
    FOR t IN SELECT DISTINCT x FROM unnest(tenants) AS x ORDER BY x LOOP
        PERFORM _reactivate(t, jsonb_agg(DISTINCT w.tenant_article_id))
           FROM routing_plan_line w
          WHERE w.tenant_id = t AND w.waiting
         HAVING count(*) > 0;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER strategy_changing BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changing();
CREATE TRIGGER strategy_inserted AFTER INSERT ON routing_strategy
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();
CREATE TRIGGER strategy_changed AFTER UPDATE ON routing_strategy
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();
CREATE TRIGGER strategy_deleted AFTER DELETE ON routing_strategy
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION _strategy_changed();

-- The manual actions take their tenant last (SPEC §7): NULL = the tenant of the row with that
-- id; a tenant given that does not hold it: P0002, as an unknown id.
CREATE FUNCTION _reroute(order_id text, tenant_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_reroute' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION reroute(order_id uuid, tenant_id text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF order_id IS NULL THEN
        RAISE EXCEPTION 'order_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _reroute(order_id::text, tenant_id);
END $$;
CREATE FUNCTION reroute(order_id uuid) RETURNS jsonb
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT reroute(order_id, NULL::text) $$;

-- reroute_all(): every tenant, one after another; reroute_all(tenant_id): that tenant (NULL:
-- every tenant).
CREATE FUNCTION reroute_all() RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reroute_all' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION reroute_all(tenant_id text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_reroute_all' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

CREATE FUNCTION _release_due(at text, tenant_id text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_release_due' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
-- release_due(at): every tenant, one after another; release_due(at, tenant_id): that tenant
-- (NULL: every tenant).
CREATE FUNCTION release_due(at timestamptz DEFAULT now()) RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT _release_due(coalesce(at, now())::text, NULL) $$;
CREATE FUNCTION release_due(at timestamptz, tenant_id text) RETURNS int
LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT _release_due(coalesce(at, now())::text, tenant_id) $$;

CREATE FUNCTION _assign_facility(routing_plan_id text, facility_ref text, lines jsonb,
                                 tenant_id text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_assign_facility' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb,
                                tenant_id text)
RETURNS jsonb LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF routing_plan_id IS NULL THEN
        RAISE EXCEPTION 'routing_plan_id is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF facility_ref IS NULL THEN
        RAISE EXCEPTION 'facility_ref is required' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN _assign_facility(routing_plan_id::text, facility_ref, lines, tenant_id);
END $$;
CREATE FUNCTION assign_facility(routing_plan_id uuid, facility_ref text, lines jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE sql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS
$$ SELECT assign_facility(routing_plan_id, facility_ref, lines, NULL::text) $$;

-- The waiting_room view: sql/src/31_waiting_queue.sql, beside the queue it shows.
