-- What waitroom.distribute() has to do, run on the coordinator after CREATE EXTENSION citus,
-- the citus_add_node calls and CREATE EXTENSION (here the probe, wrprobe). Every step below
-- was needed on Citus 13.2.2 (test/citus/80-citus.sh checks each).

-- 1. Foreign keys with ON UPDATE CASCADE that include the distribution column are refused
--    ("SET NULL, SET DEFAULT or CASCADE is not supported in ON UPDATE operation when
--    distribution key included in the foreign constraint"): re-add them without it.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conrelid::regclass AS rel, conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
            WHERE contype = 'f' AND confupdtype = 'c'
              AND connamespace = 'waitroom'::regnamespace
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.rel, c.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.rel, c.conname,
                   replace(c.def, ' ON UPDATE CASCADE', ''));
  END LOOP;
END $$;

-- 2. Tables with triggers are refused ("cannot distribute relation ... because it has
--    triggers") unless citus.enable_unsafe_triggers is on (then they are created on the shards).
SET citus.enable_unsafe_triggers = on;

-- 3. Distribute, facility first, the rest co-located with it.
SELECT create_distributed_table('waitroom.facility', 'tenant_id', colocate_with := 'none');
SELECT create_distributed_table('waitroom.listing', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.stock', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.routing_strategy', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT truncate_local_data_after_distributing_table('waitroom.routing_strategy');
SELECT create_distributed_table('waitroom.orders', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.order_line', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.routing_plan', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.routing_plan_line', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.pick_job', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.pick_line', 'tenant_id', colocate_with := 'waitroom.facility');
SELECT create_distributed_table('waitroom.event', 'tenant_id', colocate_with := 'waitroom.facility');

-- 4. The stock trigger, created after distribution (so Citus creates it on every shard).
CREATE TRIGGER probe_stock_raised AFTER UPDATE ON waitroom.stock
    FOR EACH ROW WHEN (NEW.on_hand > OLD.on_hand)
    EXECUTE FUNCTION waitroom._probe_stock_raised();

-- 5. Delegate place_order to the node holding the tenant (the distribution argument).
SELECT create_distributed_function('waitroom.place_order(jsonb,text)', '$2',
                                   colocate_with := 'waitroom.facility');
