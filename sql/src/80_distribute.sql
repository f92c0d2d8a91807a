-- ---------------------------------------------------------------- Citus (SPEC §7, issue 13)
--
-- waitroom.distribute(): run once on the Citus coordinator, after CREATE EXTENSION citus, the
-- citus_add_node calls and CREATE EXTENSION waitroom. It distributes every table that has a
-- tenant_id by it, all co-located with facility (a tenant's rows share one shard group, so one
-- node), makes the global tables (subscription, outbox_setting) reference tables, and
-- delegates every API function that takes the tenant to the node holding it. Each step is what
-- Citus 13.2.2 needs (test/citus/FINDINGS.md):
--   1. a foreign key with ON UPDATE CASCADE over the distribution column is refused: such keys
--      are re-created without it (a facility_ref rename no longer cascades on Citus);
--   2. a table with triggers is refused unless citus.enable_unsafe_triggers is on (then every
--      shard gets the triggers); on for this call only;
--   3. a reference table turns every table linked to it by a key into a "citus local table",
--      after which a table with an identity column cannot be distributed: keys from tenant
--      tables to global ones (delivery -> subscription) are dropped, the tenant tables
--      distributed, the global ones made reference tables, and the keys added back;
--   4. rows already there (routing_strategy's 'default', subscription's 'stdout') are copied
--      into the shards; the coordinator's local copy is then truncated;
--   5. Citus does not give identity sequences of extension-owned tables a range per node: each
--      worker's sequences (event_id, plan_no, reroute_queue's entry_id) start at
--      groupid << 48, as Citus does for tables it creates itself.
--   6. functions that force generic plans get custom plans (Citus routes a join or a
--      subquery only when the tenant is a constant);
--   7. the SPEC §2 forms without a tenant redirect to the delegated ones (below).
-- A second call distributes what is not yet distributed (nothing, normally), delegates the
-- functions again and sets the ranges of workers added since (citus_add_node): run it again
-- after adding a worker, and after ALTER EXTENSION UPDATE. Errors 55000 when Citus is not
-- installed or this is not the coordinator.

-- The forms without a tenant argument (SPEC §2's signatures), on Citus: a call of one of
-- them on the coordinator would run there, each statement sent to the tenant's worker, and
-- its NOTIFY there makes Citus's two-phase commit fail whenever two connections took part
-- ("cannot PREPARE a transaction that has executed LISTEN, UNLISTEN, or NOTIFY"). So
-- distribute() (step 7) replaces them, on the coordinator, by redirects that find the tenant (the JSON
-- "tenantId", or the row with that id: a lookup on every shard by the id's own index) and
-- issue the delegated call with the tenant as a constant (EXECUTE: the tenant must be a
-- constant for force_delegation), which runs whole on the tenant's node. When the tenant
-- cannot be found (an invalid tenantId, an unknown id) the original runs, with its error.
-- On one node nothing of this is made: the functions stay as 20_api.sql defines them. After
-- ALTER EXTENSION UPDATE, run waitroom.distribute() again.
-- reroute_all() and release_due(at) without a tenant serve every tenant in one transaction:
-- on Citus, when tenants on two workers have work, its commit is two-phase and fails (the
-- NOTIFY). These serve each tenant in its own transaction, a delegated call each (one node,
-- one-phase commit); they work on one node too. CALL them outside a transaction block.
-- No SET clause (a procedure with one cannot COMMIT), so no pinned search_path: invoker's
-- rights, and every function, operator and type named with its schema instead.
-- The tenants: those with a facility or a strategy row, in order. On Citus a query on every
-- shard (it fails while a worker is down).
CREATE FUNCTION tenant_ids() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
    SELECT f.tenant_id FROM facility f UNION SELECT r.tenant_id FROM routing_strategy r ORDER BY 1
$$;

-- The nodes waitroomd keeps a LISTEN session on (docs/scaling.md): the events' NOTIFY is sent
-- on the node that holds the tenant and reaches only that node's listeners. The active primary
-- workers when waitroom is distributed; none on one node (the daemon's own session hears
-- everything there).
CREATE FUNCTION daemon_nodes() RETURNS TABLE (node_name text, node_port int)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $$
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE
        'SELECT n.nodename::text, n.nodeport::int FROM pg_catalog.pg_dist_node n
          WHERE n.isactive AND n.noderole = ''primary'' AND n.groupid <> 0
            AND EXISTS (SELECT FROM pg_catalog.pg_dist_partition p
                         WHERE p.logicalrelid = ''waitroom.delivery''::pg_catalog.regclass)
          ORDER BY 1, 2';
END $$;

CREATE PROCEDURE reroute_all_tenants(INOUT routed bigint DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE
    tenants pg_catalog.text[] := ARRAY(SELECT t FROM waitroom.tenant_ids() t);
    t pg_catalog.text;
    n pg_catalog.int4;
BEGIN
    routed := 0;
    COMMIT;
    FOREACH t IN ARRAY tenants LOOP
        EXECUTE pg_catalog.format('SELECT x FROM waitroom.reroute_all(%L::pg_catalog.text) x', t)
           INTO n;
        routed := routed OPERATOR(pg_catalog.+) n;
        COMMIT;
    END LOOP;
END $$;
CREATE PROCEDURE release_due_all_tenants(at timestamptz DEFAULT NULL, INOUT released bigint DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE
    tenants pg_catalog.text[] := ARRAY(SELECT t FROM waitroom.tenant_ids() t);
    t pg_catalog.text;
    n pg_catalog.int4;
    moment pg_catalog.timestamptz := coalesce(at, pg_catalog.now());
BEGIN
    released := 0;
    COMMIT;
    FOREACH t IN ARRAY tenants LOOP
        EXECUTE pg_catalog.format('SELECT x FROM waitroom.release_due(%L::pg_catalog.timestamptz, '
                                  '%L::pg_catalog.text) x', moment, t) INTO n;
        released := released OPERATOR(pg_catalog.+) n;
        COMMIT;
    END LOOP;
END $$;
CREATE FUNCTION distribute() RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $distribute$
DECLARE
    old_triggers text := current_setting('citus.enable_unsafe_triggers', true);
    old_mode text := current_setting('citus.multi_shard_modify_mode', true);
    fac regclass := 'waitroom.facility'::regclass;
    tenant_tables regclass[];   -- every waitroom table with a tenant_id column
    global_tables regclass[];   -- the others (subscription, outbox_setting)
    done regclass[];
    had_rows regclass[] := '{}';
    global_fks record;
    saved_fks text[] := '{}';
    c record;
    t regclass;
    stmt text;
    progress bool;
    n_tables int := 0;
    n_functions int := 0;
    nodes text[];
    grp int;
    w record;
    seqs text;
BEGIN
    -- 55000 unless Citus is here and this is its coordinator, with a worker.
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'waitroom.distribute() needs Citus: CREATE EXTENSION citus first'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE 'SELECT groupid FROM pg_catalog.pg_dist_local_group' INTO grp;
    IF grp IS DISTINCT FROM 0 THEN
        RAISE EXCEPTION 'waitroom.distribute() runs on the Citus coordinator, this is worker group %', grp
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_node WHERE groupid <> 0 AND isactive AND noderole = 'primary') THEN
        RAISE EXCEPTION 'waitroom.distribute() needs worker nodes: add them with citus_add_node first'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    -- Foreign keys between distributed and reference tables made in the same transaction
    -- need one connection per node (Citus: "run with multi_shard_modify_mode sequential").
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);

    SELECT array_agg(c2.oid::regclass ORDER BY c2.relname)
             FILTER (WHERE EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c2.oid
                                      AND a.attname = 'tenant_id' AND NOT a.attisdropped)),
           array_agg(c2.oid::regclass ORDER BY c2.relname)
             FILTER (WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c2.oid
                                          AND a.attname = 'tenant_id' AND NOT a.attisdropped))
      INTO tenant_tables, global_tables
      FROM pg_class c2
     WHERE c2.relnamespace = 'waitroom'::regnamespace AND c2.relkind IN ('r', 'p');
    SELECT coalesce(array_agg(p.logicalrelid::regclass), '{}') INTO done
      FROM pg_dist_partition p
     WHERE p.logicalrelid = ANY (tenant_tables || global_tables);

    IF NOT (fac = ANY (done)) THEN
        -- 1. ON UPDATE CASCADE over tenant_id between tenant tables: re-made without it.
        FOR c IN SELECT k.conrelid::regclass AS rel, k.conname, pg_get_constraintdef(k.oid) AS def
                   FROM pg_constraint k
                  WHERE k.contype = 'f' AND k.confupdtype = 'c'
                    AND k.conrelid::regclass = ANY (tenant_tables)
                    AND k.confrelid::regclass = ANY (tenant_tables)
                  ORDER BY 1, 2 LOOP
            stmt := format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s',
                           c.rel, c.conname, c.conname, replace(c.def, ' ON UPDATE CASCADE', ''));
            EXECUTE stmt;
            -- The workers' copies of the (not yet distributed) table too: Citus propagates
            -- DDL only on distributed tables. Not transactional: repeatable as it is.
            FOR w IN SELECT * FROM run_command_on_workers(format($q$DO $d$ BEGIN
                PERFORM pg_catalog.set_config('search_path', 'waitroom, pg_catalog', true);
                IF EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = %1$L::regclass
                              AND conname = %2$L AND confupdtype = 'c') THEN %3$s; END IF;
                END $d$ $q$, c.rel, c.conname, stmt)) r WHERE NOT r.success LOOP
                RAISE EXCEPTION 'on worker %:%: %', w.nodename, w.nodeport, w.result;
            END LOOP;
        END LOOP;
    END IF;

    -- 3. Keys from tenant tables to global ones: dropped until both sides are distributed.
    FOR global_fks IN SELECT k.conrelid::regclass AS rel, k.conname,
                             pg_get_constraintdef(k.oid) AS def
                        FROM pg_constraint k
                       WHERE k.contype = 'f'
                         AND k.conrelid::regclass = ANY (tenant_tables)
                         AND k.confrelid::regclass = ANY (global_tables)
                         AND NOT (k.conrelid::regclass = ANY (done)
                                  AND k.confrelid::regclass = ANY (done))
                       ORDER BY 1, 2 LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', global_fks.rel, global_fks.conname);
        FOR w IN SELECT * FROM run_command_on_workers(format('ALTER TABLE waitroom.%s DROP CONSTRAINT IF EXISTS %I',
                                   global_fks.rel, global_fks.conname)) r WHERE NOT r.success LOOP
            RAISE EXCEPTION 'on worker %:%: %', w.nodename, w.nodeport, w.result;
        END LOOP;
        saved_fks := saved_fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                                         global_fks.rel, global_fks.conname, global_fks.def);
    END LOOP;

    -- 2. The tenant tables, facility first, then each one after the tables it references.
    LOOP
        progress := false;
        FOR t IN SELECT x FROM unnest(tenant_tables) AS x
                  WHERE NOT (x = ANY (done))
                    AND (x = fac OR fac = ANY (done))
                    AND NOT EXISTS (
                        SELECT FROM pg_constraint k
                         WHERE k.contype = 'f' AND k.conrelid = x
                           AND k.confrelid <> k.conrelid
                           AND k.confrelid::regclass = ANY (tenant_tables)
                           AND NOT (k.confrelid::regclass = ANY (done)))
                  ORDER BY x = fac DESC, x::text LOOP
            EXECUTE format('SELECT EXISTS (SELECT FROM ONLY %s)', t) INTO progress;
            IF progress THEN
                had_rows := had_rows || t;
            END IF;
            IF t = fac THEN
                PERFORM create_distributed_table(t, 'tenant_id', colocate_with := 'none');
            ELSE
                PERFORM create_distributed_table(t, 'tenant_id',
                                                 colocate_with := 'waitroom.facility');
            END IF;
            done := done || t;
            n_tables := n_tables + 1;
            progress := true;
        END LOOP;
        EXIT WHEN NOT progress;
    END LOOP;
    IF EXISTS (SELECT FROM unnest(tenant_tables) x WHERE NOT (x = ANY (done))) THEN
        RAISE EXCEPTION 'waitroom.distribute(): could not order the tables %',
            ARRAY(SELECT x FROM unnest(tenant_tables) x WHERE NOT (x = ANY (done)));
    END IF;

    -- The global tables: a copy on every node.
    FOREACH t IN ARRAY coalesce(global_tables, '{}') LOOP
        CONTINUE WHEN t = ANY (done);
        EXECUTE format('SELECT EXISTS (SELECT FROM ONLY %s)', t) INTO progress;
        IF progress THEN
            had_rows := had_rows || t;
        END IF;
        PERFORM create_reference_table(t);
        done := done || t;
        n_tables := n_tables + 1;
    END LOOP;
    FOREACH stmt IN ARRAY saved_fks LOOP
        EXECUTE stmt;
    END LOOP;

    -- 4. The coordinator's local copies of rows now in the shards.
    FOREACH t IN ARRAY had_rows LOOP
        PERFORM truncate_local_data_after_distributing_table(t);
    END LOOP;

    -- 6. Functions that force generic plans (a plan per session, for speed) keep the tenant
    --    a parameter, and Citus cannot route a join or subquery on a parameter ("could not
    --    create distributed plan"): custom plans on every node, so that each statement is
    --    planned with its tenant and routed to one shard. So do waitroomd's calls (a generic
    --    plan would be chosen after five calls).
    FOR c IN SELECT p.oid::regprocedure AS fn
               FROM pg_proc p
              WHERE p.pronamespace = 'waitroom'::regnamespace
                AND ('plan_cache_mode=force_generic_plan' = ANY (p.proconfig)
                     OR p.oid = ANY (ARRAY['claim_deliveries(bool, text, int, int, text)',
                                           'ack_deliveries(text[], bigint[], text, text[])',
                                           'fail_delivery(text, bigint, text, interval, int, text, text)',
                                           'pending_delivery_tenants(bool, text)',
                                           'outbox_backlog(bool, text)',
                                           'event_ages(bigint[], text[])',
                                           'purge_delivered(interval, int)']::regprocedure[])) LOOP
        stmt := format('ALTER FUNCTION %s SET plan_cache_mode = force_custom_plan', c.fn);
        EXECUTE stmt;
        FOR w IN SELECT * FROM run_command_on_workers(format($q$DO $d$ BEGIN
            PERFORM pg_catalog.set_config('search_path', 'waitroom, pg_catalog', true);
            %s;
            END $d$ $q$, stmt)) r WHERE NOT r.success LOOP
            RAISE EXCEPTION 'on worker %:%: %', w.nodename, w.nodeport, w.result;
        END LOOP;
    END LOOP;

    -- Delegation: each call with its tenant runs on the node that holds the tenant, outside a
    -- transaction block or inside one (force_delegation: an app's BEGIN ... COMMIT around a
    -- place_order and a restock of the same tenant stays on that node).
    -- The functions delegated, with their tenant argument (1-based): each one's tenant is an
    -- argument with no default (the forms without it are other functions, redirected below).
    FOR c IN SELECT v.f::regprocedure AS fn, v.a AS tenant_arg FROM (VALUES
                 ('waitroom.place_order(jsonb, text)', 2),
                 ('waitroom.order_json(uuid, text)', 2),
                 ('waitroom.reroute(uuid, text)', 2),
                 ('waitroom.reroute_all(text)', 1),
                 ('waitroom.release_due(timestamptz, text)', 2),
                 ('waitroom.assign_facility(uuid, text, jsonb, text)', 4),
                 ('waitroom.cancel_order(uuid, jsonb, text)', 3),
                 ('waitroom.explain(uuid, text)', 2)) AS v(f, a) LOOP
        PERFORM create_distributed_function(c.fn, '$' || c.tenant_arg,
                                            colocate_with := 'waitroom.facility',
                                            force_delegation := true);
        n_functions := n_functions + 1;
    END LOOP;

    -- 7. The forms without a tenant redirect to the delegated ones, on the coordinator (the
    --    node apps talk to; Citus refuses to replace an extension's function on a worker).
    FOR stmt IN SELECT unnest(ARRAY[
$r$CREATE OR REPLACE FUNCTION waitroom.place_order("order" jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t jsonb := CASE WHEN jsonb_typeof("order") = 'object' THEN "order"->'tenantId' END;
    r jsonb;
BEGIN
    IF t IS NOT NULL AND (jsonb_typeof(t) <> 'string' OR t->>0 = '') THEN
        SELECT x INTO r FROM waitroom.place_order("order", NULL::text) x;  -- raises 22023
        RETURN r;
    END IF;
    EXECUTE format('SELECT x FROM waitroom.place_order(%L::jsonb, %L) x', "order",
                   coalesce(t->>0, 'default')) INTO r;
    RETURN r;
END $f$$r$,
$r$CREATE OR REPLACE FUNCTION waitroom.order_json(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t text := (SELECT o.tenant_id FROM waitroom.orders o WHERE o.order_id = order_json.order_id LIMIT 1);
    r jsonb;
BEGIN
    IF t IS NULL THEN
        RETURN NULL;  -- as order_json(unknown id)
    END IF;
    EXECUTE format('SELECT x FROM waitroom.order_json(%L::uuid, %L) x', order_id, t) INTO r;
    RETURN r;
END $f$$r$,
$r$CREATE OR REPLACE FUNCTION waitroom.explain(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t text := (SELECT o.tenant_id FROM waitroom.orders o WHERE o.order_id = explain.order_id LIMIT 1);
    r jsonb;
BEGIN
    IF t IS NULL THEN
        SELECT x INTO r FROM waitroom.explain(order_id, NULL::text) x;  -- its error
        RETURN r;
    END IF;
    EXECUTE format('SELECT x FROM waitroom.explain(%L::uuid, %L) x', order_id, t) INTO r;
    RETURN r;
END $f$$r$,
$r$CREATE OR REPLACE FUNCTION waitroom.reroute(order_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t text := (SELECT o.tenant_id FROM waitroom.orders o WHERE o.order_id = reroute.order_id LIMIT 1);
    r jsonb;
BEGIN
    IF t IS NULL THEN
        SELECT x INTO r FROM waitroom.reroute(order_id, NULL::text) x;  -- its error
        RETURN r;
    END IF;
    EXECUTE format('SELECT x FROM waitroom.reroute(%L::uuid, %L) x', order_id, t) INTO r;
    RETURN r;
END $f$$r$,
$r$CREATE OR REPLACE FUNCTION waitroom.cancel_order(order_id uuid, lines jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t text := (SELECT o.tenant_id FROM waitroom.orders o WHERE o.order_id = cancel_order.order_id LIMIT 1);
    r jsonb;
BEGIN
    IF t IS NULL THEN
        SELECT x INTO r FROM waitroom.cancel_order(order_id, lines, NULL::text) x;  -- its error
        RETURN r;
    END IF;
    EXECUTE format('SELECT x FROM waitroom.cancel_order(%L::uuid, %L::jsonb, %L) x', order_id, lines, t)
       INTO r;
    RETURN r;
END $f$$r$,
$r$CREATE OR REPLACE FUNCTION waitroom.assign_facility(routing_plan_id uuid, facility_ref text,
                                                  lines jsonb DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = waitroom, pg_catalog, pg_temp AS $f$
DECLARE
    t text := (SELECT p.tenant_id FROM waitroom.routing_plan p
                WHERE p.routing_plan_id = assign_facility.routing_plan_id LIMIT 1);
    r jsonb;
BEGIN
    IF t IS NULL THEN
        SELECT x INTO r FROM waitroom.assign_facility(routing_plan_id, facility_ref, lines, NULL::text) x;
        RETURN r;
    END IF;
    EXECUTE format('SELECT x FROM waitroom.assign_facility(%L::uuid, %L, %L::jsonb, %L) x',
                   routing_plan_id, facility_ref, lines, t) INTO r;
    RETURN r;
END $f$$r$]) LOOP
        EXECUTE stmt;
    END LOOP;

    -- 5. Identity ranges per worker: each worker's sequences of the distributed tables start at
    --    groupid << 48 (never lowered). run_command_on_workers: each on its own connection.
    SELECT string_agg(format('%L', pg_get_serial_sequence(format('%I.%I', n.nspname, c2.relname),
                                                          a.attname)), ', ')
      INTO seqs
      FROM pg_dist_partition p
      JOIN pg_class c2 ON c2.oid = p.logicalrelid
      JOIN pg_namespace n ON n.oid = c2.relnamespace
      JOIN pg_attribute a ON a.attrelid = c2.oid AND a.attidentity <> '' AND NOT a.attisdropped
     WHERE n.nspname = 'waitroom';
    nodes := '{}';
    FOR w IN SELECT * FROM run_command_on_workers(format($q$
            SELECT count(pg_catalog.setval(s, g.groupid::bigint << 48, true))
              FROM pg_catalog.pg_dist_local_group g,
                   unnest(ARRAY[%s]::regclass[]) AS s
             WHERE coalesce(pg_catalog.pg_sequence_last_value(s), 0) < g.groupid::bigint << 48
            $q$, seqs)) r ORDER BY r.nodeport LOOP
        IF NOT w.success THEN
            RAISE EXCEPTION 'on worker %:%: %', w.nodename, w.nodeport, w.result;
        END IF;
        nodes := nodes || (w.nodename || ':' || w.nodeport);
    END LOOP;

    PERFORM set_config('citus.enable_unsafe_triggers', coalesce(old_triggers, 'off'), true);
    PERFORM set_config('citus.multi_shard_modify_mode', coalesce(old_mode, 'parallel'), true);
    RETURN format('%s tables distributed, %s functions delegated, sequence ranges on %s',
                  n_tables, n_functions, array_to_string(nodes, ', '));
END $distribute$;

-- Moves a tenant (its shard group: every tenant sharing its shard moves with it) to another
-- worker with citus_move_shard_placement, keeping its identity values increasing: the moved
-- orders' later events must come after their earlier ones (an order's events are published in
-- event_id order) and later plans after earlier ones (plan_no, the queue's last tie-break).
-- Rule kept: the sequences of the node that holds a tenant are above every id of that tenant.
-- So before the move the target's sequences are raised above the source's (plus 2^32, room
-- for what the source hands out until the move blocks writes), and after it above the largest
-- value in the moved shards. Moving a tenant to the node that holds it: a no-op (false).
CREATE FUNCTION move_tenant(tenant_id text, node_name text, node_port int,
                            transfer_mode text DEFAULT 'block_writes') RETURNS bool
LANGUAGE plpgsql VOLATILE SET search_path = waitroom, pg_catalog, pg_temp AS $$
DECLARE
    shard bigint;
    src record;
    r record;
    v text;
    grp int;
    ok bool;
    at_least bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'waitroom.move_tenant() needs Citus' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE 'SELECT groupid FROM pg_catalog.pg_dist_local_group' INTO grp;
    IF grp IS DISTINCT FROM 0 THEN
        RAISE EXCEPTION 'waitroom.move_tenant() runs on the Citus coordinator, this is worker group %', grp
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF tenant_id IS NULL OR node_name IS NULL OR node_port IS NULL THEN
        RAISE EXCEPTION 'tenant_id, node_name and node_port are required'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = 'waitroom.facility'::regclass) THEN
        RAISE EXCEPTION 'waitroom is not distributed: run waitroom.distribute() first'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_dist_node n WHERE n.nodename = node_name
                      AND n.nodeport = node_port AND n.isactive AND n.groupid <> 0) THEN
        RAISE EXCEPTION 'no active worker %:%', node_name, node_port
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    shard := get_shard_id_for_distribution_column('waitroom.facility', move_tenant.tenant_id);
    SELECT p.nodename, p.nodeport INTO src FROM pg_dist_shard_placement p WHERE p.shardid = shard;
    IF src.nodename = node_name AND src.nodeport = node_port THEN
        RETURN false;
    END IF;
    -- Each identity column of the distributed tables, with the moved shard's name.
    CREATE TEMP TABLE IF NOT EXISTS _move_tenant_seqs (seq text, col name, shard_rel text)
        ON COMMIT DROP;
    TRUNCATE _move_tenant_seqs;
    INSERT INTO _move_tenant_seqs
    SELECT pg_get_serial_sequence(p.logicalrelid::regclass::text, a.attname), a.attname,
           format('%I.%I', n.nspname, c.relname || '_' ||
                  get_shard_id_for_distribution_column(p.logicalrelid, move_tenant.tenant_id))
      FROM pg_dist_partition p
      JOIN pg_class c ON c.oid = p.logicalrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'waitroom'
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attidentity <> '' AND NOT a.attisdropped
     WHERE p.partmethod = 'h';
    -- Before: target above the source (+ 2^32).
    FOR r IN SELECT * FROM _move_tenant_seqs LOOP
        SELECT m.result INTO v
          FROM master_run_on_worker(ARRAY[src.nodename], ARRAY[src.nodeport],
                                    ARRAY[format('SELECT last_value FROM %s', r.seq)], false) m
         WHERE m.success;
        IF v IS NULL THEN
            RAISE EXCEPTION 'could not read % on %:%', r.seq, src.nodename, src.nodeport;
        END IF;
        at_least := v::bigint + (1::bigint << 32);
        SELECT m.success, m.result INTO ok, v
          FROM master_run_on_worker(ARRAY[node_name], ARRAY[node_port], ARRAY[format(
                   'SELECT pg_catalog.setval(%1$L, greatest(%2$s, (SELECT last_value FROM %1$s)), true)',
                   r.seq, at_least)], false) m;
        IF NOT ok THEN
            RAISE EXCEPTION 'setval of % on %:% failed: %', r.seq, node_name, node_port, v;
        END IF;
    END LOOP;
    PERFORM citus_move_shard_placement(shard, src.nodename, src.nodeport, node_name, node_port,
                                       shard_transfer_mode := transfer_mode::citus.shard_transfer_mode);
    -- After: target above every value the moved shards hold.
    FOR r IN SELECT * FROM _move_tenant_seqs LOOP
        SELECT m.result INTO v
          FROM master_run_on_worker(ARRAY[node_name], ARRAY[node_port],
                                    ARRAY[format('SELECT coalesce(max(%I), 0) FROM %s',
                                                 r.col, r.shard_rel)], false) m
         WHERE m.success;
        IF v IS NULL THEN
            RAISE EXCEPTION 'could not read %.% on %:%', r.shard_rel, r.col, node_name, node_port;
        END IF;
        at_least := v::bigint;
        SELECT m.success, m.result INTO ok, v
          FROM master_run_on_worker(ARRAY[node_name], ARRAY[node_port], ARRAY[format(
                   'SELECT pg_catalog.setval(%1$L, greatest(%2$s, (SELECT last_value FROM %1$s)), true)',
                   r.seq, at_least)], false) m;
        IF NOT ok THEN
            RAISE EXCEPTION 'setval of % on %:% failed: %', r.seq, node_name, node_port, v;
        END IF;
    END LOOP;
    RETURN true;
END $$;

-- Procedures are not covered by 95_privileges.sql's REVOKE ... ALL FUNCTIONS.
REVOKE ALL ON PROCEDURE reroute_all_tenants(bigint), release_due_all_tenants(timestamptz, bigint)
    FROM PUBLIC;
