-- Triggers of the tables of 10_schema.sql that are not the waiting room's: direct writes, and
-- a dump being loaded. They name their table as an argument: on Citus they fire on shards,
-- whose names are the table's with the shard id appended (TG_TABLE_NAME would not match).
-- ---------------------------------------------------------------- direct writes
-- A direct INSERT that names only the contract columns (SPEC §1) gets the internal ones
-- filled in, so that it fails on the contract's constraints (SPEC §6: 23514, 23503), not
-- with 23502 on a column the contract does not name. An unknown parent leaves a value
-- no row has, and the foreign key reports it.
CREATE FUNCTION _fill_internal_columns() RETURNS trigger
LANGUAGE plpgsql SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF TG_ARGV[0] = 'order_line' THEN
        NEW.position := (SELECT coalesce(max(l.position), 0) + 1
                           FROM order_line l
                          WHERE l.tenant_id = NEW.tenant_id AND l.order_id = NEW.order_id);
    ELSIF TG_ARGV[0] = 'routing_plan_line' THEN
        NEW.order_id := coalesce((SELECT p.order_id FROM routing_plan p
                                   WHERE p.tenant_id = NEW.tenant_id
                                     AND p.routing_plan_id = NEW.routing_plan_id),
                                 '00000000-0000-0000-0000-000000000000');
    ELSE
        NEW.facility_ref := coalesce((SELECT j.facility_ref FROM pick_job j
                                       WHERE j.tenant_id = NEW.tenant_id
                                         AND j.pick_job_id = NEW.pick_job_id), '');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER order_line_position BEFORE INSERT ON order_line
    FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION _fill_internal_columns('order_line');
CREATE TRIGGER routing_plan_line_order BEFORE INSERT ON routing_plan_line
    FOR EACH ROW WHEN (NEW.order_id IS NULL) EXECUTE FUNCTION _fill_internal_columns('routing_plan_line');
CREATE TRIGGER pick_line_facility BEFORE INSERT ON pick_line
    FOR EACH ROW WHEN (NEW.facility_ref IS NULL) EXECUTE FUNCTION _fill_internal_columns('pick_line');

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
        IF TG_ARGV[0] = 'routing_strategy' THEN
            DELETE FROM routing_strategy;
        ELSIF TG_ARGV[0] = 'subscription' THEN
            DELETE FROM subscription WHERE subscription_id = 'stdout';
        END IF;
    END IF;
    RETURN NULL;
END $$;
-- "_" sorts before the other triggers' names: the switch comes before any of them. ALWAYS: in
-- a restore run as one transaction, the strategy row arrives after an earlier COPY switched.
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON listing
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts('listing');
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON stock
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts('stock');
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON routing_strategy
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts('routing_strategy');
CREATE TRIGGER _dump_load_starts BEFORE INSERT ON event
    FOR EACH STATEMENT EXECUTE FUNCTION _dump_load_starts('event');
ALTER TABLE listing ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE stock ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE routing_strategy ENABLE ALWAYS TRIGGER _dump_load_starts;
ALTER TABLE event ENABLE ALWAYS TRIGGER _dump_load_starts;
