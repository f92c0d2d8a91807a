-- waitroom's roles as facts (attributes, memberships, settings, comments), one line each:
-- roles belong to the cluster, so suite 52 lists them after an upgrade, before any fresh
-- install in the same cluster, and after a fresh install in a cluster without them.
WITH r AS (SELECT * FROM pg_roles WHERE rolname LIKE 'waitroom\_%')
SELECT line FROM (
    SELECT 'role ' || rolname || ': super ' || rolsuper || ', inherit ' || rolinherit || ', createrole '
           || rolcreaterole || ', createdb ' || rolcreatedb || ', login ' || rolcanlogin || ', replication '
           || rolreplication || ', bypassrls ' || rolbypassrls || ', connlimit ' || rolconnlimit
           || coalesce(', config ' || rolconfig::text, '')
      FROM r
    UNION ALL
    SELECT 'role ' || m.member::regrole || ' is a member of ' || m.roleid::regrole
           || CASE WHEN m.admin_option THEN ' with admin option' ELSE '' END
      FROM pg_auth_members m WHERE m.member IN (SELECT oid FROM r) OR m.roleid IN (SELECT oid FROM r)
    UNION ALL
    SELECT 'role ' || r.rolname || ' in database ' || coalesce(d.datname, 'any') || ': ' || s.setconfig::text
      FROM pg_db_role_setting s JOIN r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase
    UNION ALL
    SELECT 'comment on role ' || r.rolname || ': ' || d.description
      FROM pg_shdescription d JOIN r ON r.oid = d.objoid AND d.classoid = 'pg_authid'::regclass
) f(line) ORDER BY line COLLATE "C";
