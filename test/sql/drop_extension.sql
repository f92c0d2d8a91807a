-- make installcheck: DROP EXTENSION removes the extension's functions, tables and triggers.
-- Roles belong to the cluster: they are the documented exception and stay.
DROP EXTENSION waitroom;
SELECT count(*) AS extensions FROM pg_extension WHERE extname = 'waitroom';
SELECT count(*) AS functions FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'waitroom';
SELECT count(*) AS relations FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'waitroom';
-- This database has no table but the extension's: any trigger left would be one it put elsewhere.
SELECT count(*) AS triggers FROM pg_trigger WHERE NOT tgisinternal;
SELECT rolname FROM pg_roles WHERE rolname IN ('waitroom_app', 'waitroom_reader', 'waitroom_daemon')
 ORDER BY rolname;
