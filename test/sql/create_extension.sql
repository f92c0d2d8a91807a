-- make installcheck: CREATE EXTENSION on a server with default settings (no
-- shared_preload_libraries). The roles may exist already (another database of the cluster has
-- the extension, or an earlier run): CREATE EXTENSION creates them only when missing.
CREATE EXTENSION waitroom;
SELECT extname, extversion, extnamespace::regnamespace AS schema, extrelocatable
  FROM pg_extension WHERE extname = 'waitroom';
SELECT rolname FROM pg_roles WHERE rolname IN ('waitroom_app', 'waitroom_reader', 'waitroom_daemon')
 ORDER BY rolname;
-- The one routing strategy row, with its defaults.
SELECT * FROM waitroom.routing_strategy;
-- Nothing broken on an empty install.
SELECT * FROM waitroom.check_invariants();
