-- The owner's part of the hijack workload (test/suites/26-search-path.sh): the procedures that
-- serve every tenant, each tenant in its own transaction (80_distribute.sql). A procedure that
-- commits cannot pin a search_path (no SET clause), and only the extension's owner or a
-- superuser may run them: here the owner, under the hijacker's search_path, which must reach
-- none of their statements. Run outside a transaction block. Qualified like app_place.sql.
\set QUIET 1
CALL waitroom.release_due_all_tenants('2030-01-03');
CALL waitroom.reroute_all_tenants();
