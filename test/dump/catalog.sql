-- What a database holds besides the data of user tables, one line per object, by name (OIDs
-- differ between databases): suite 50 compares a database where waitroom was created and
-- dropped with one where it never was. Roles are cluster-wide and not listed (SECURITY.md:
-- DROP EXTENSION leaves them); the grants they hold in this database are (pg_shdepend).
SELECT x FROM (
    SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname !~ '^pg_temp_|^pg_toast_temp_'
    UNION ALL SELECT 'relation ' || relnamespace::regnamespace || '.' || relname || ' ' || relkind::text
      FROM pg_class WHERE relnamespace::regnamespace::text !~ '^pg_temp_|^pg_toast'
    UNION ALL SELECT 'function ' || oid::regprocedure FROM pg_proc
    UNION ALL SELECT 'type ' || typnamespace::regnamespace || '.' || typname FROM pg_type
    UNION ALL SELECT 'trigger ' || tgrelid::regclass || '.' || tgname FROM pg_trigger
    UNION ALL SELECT 'event trigger ' || evtname FROM pg_event_trigger
    UNION ALL SELECT 'extension ' || extname FROM pg_extension
    UNION ALL SELECT 'operator ' || oid::regoperator FROM pg_operator
    UNION ALL SELECT 'cast ' || castsource::regtype || ' -> ' || casttarget::regtype FROM pg_cast
    UNION ALL SELECT 'policy ' || polrelid::regclass || '.' || polname FROM pg_policy
    UNION ALL SELECT 'rule ' || ev_class::regclass || '.' || rulename FROM pg_rewrite
    UNION ALL SELECT 'default acl ' || defaclrole::regrole || ' ' || defaclobjtype::text FROM pg_default_acl
    UNION ALL SELECT 'init privs ' || classoid::regclass || ' ' || objoid || ' ' || objsubid FROM pg_init_privs
    UNION ALL SELECT 'publication ' || pubname FROM pg_publication
    UNION ALL SELECT 'language ' || lanname FROM pg_language
    UNION ALL SELECT 'foreign data wrapper ' || fdwname FROM pg_foreign_data_wrapper
    UNION ALL SELECT 'database acl ' || coalesce(datacl::text, '-') FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT 'shared dependency ' || classid::regclass || ' on ' || refobjid::regrole || ' ' || deptype::text
      FROM pg_shdepend WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
) c(x) ORDER BY x;
