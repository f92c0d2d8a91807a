-- make installcheck: CREATE EXTENSION on a server with default settings (no
-- shared_preload_libraries). The roles may exist already (another database of the cluster has
-- the extension, or an earlier run): CREATE EXTENSION creates them only when missing.
CREATE EXTENSION waitroom;
SELECT e.extname, e.extversion = a.default_version AS default_version, e.extrelocatable
  FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
 WHERE e.extname = 'waitroom';
SELECT nspname FROM pg_namespace WHERE nspname = 'waitroom';
SELECT rolname FROM pg_roles WHERE rolname IN ('waitroom_app', 'waitroom_reader', 'waitroom_daemon')
 ORDER BY rolname;
-- The one routing strategy row, with SPEC §1's defaults.
SELECT complete_stock_fence_active, complete_stock_fence_mode, order_split_active, max_split_count,
       use_waiting_room_for_pre_back_order_items, waiting_room_priority
  FROM waitroom.routing_strategy;
-- Nothing broken on an empty install.
SELECT * FROM waitroom.check_invariants();
