-- The schema of the waitroom extension as facts, one line each, named by object identity (OIDs
-- differ between databases) and sorted: suite 52 compares an upgraded database with a fresh
-- install. It reads the catalog rather than `pg_dump --schema-only`, which prints only the
-- CREATE EXTENSION line for members. Covered: the extension row (version, config tables and
-- their conditions), every member (pg_depend 'e'), and for everything in the schema waitroom:
-- relations (kind, owner, options, view definition, sequence parameters and owner column),
-- columns (position among live columns, type, not null, default, identity, generated,
-- collation, storage, privileges), constraints, indexes, triggers, rules, policies, extended
-- statistics, functions (pg_get_functiondef: body, SECURITY DEFINER, SET search_path,
-- volatility, strictness, parallel, cost, rows), aggregates, types (enum labels, domains),
-- privileges (sorted, so the order of GRANTs does not matter) and initial privileges
-- (pg_init_privs), comments, and the database's default privileges and event triggers.
-- Roles belong to the cluster: test/upgrade/roles.sql lists them.
WITH ext AS (SELECT * FROM pg_extension WHERE extname = 'waitroom'),
ident AS (  -- every object of the schema waitroom or of the extension, by identity
    SELECT c.classid::regclass::text AS catalog, c.objid, i.type, i.identity
      FROM (SELECT 'pg_class'::regclass AS classid, oid AS objid FROM pg_class WHERE relnamespace = 'waitroom'::regnamespace
            UNION SELECT 'pg_proc'::regclass, oid FROM pg_proc WHERE pronamespace = 'waitroom'::regnamespace
            UNION SELECT 'pg_type'::regclass, oid FROM pg_type WHERE typnamespace = 'waitroom'::regnamespace
            UNION SELECT d.classid, d.objid FROM pg_depend d, ext
                   WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e') c,
           pg_identify_object(c.classid, c.objid, 0) i
),
facts(line) AS (
    SELECT 'extension ' || extname || ': version ' || extversion || ', schema ' || extnamespace::regnamespace
           || ', relocatable ' || extrelocatable || ', owner ' || extowner::regrole FROM ext
    UNION ALL
    SELECT 'extension waitroom: dumps ' || t::regclass || coalesce(' WHERE ' || nullif(w, ''), '')
      FROM ext, unnest(extconfig, extcondition) u(t, w)
    UNION ALL
    SELECT 'member ' || pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
    UNION ALL
    SELECT 'schema waitroom: owner ' || nspowner::regrole || ', acl '
           || coalesce((SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(nspacl) a), '-')
      FROM pg_namespace WHERE nspname = 'waitroom'
    -- relations
    UNION ALL
    SELECT i.type || ' ' || i.identity || ': owner ' || c.relowner::regrole || ', persistence ' || c.relpersistence::text
           || ', options ' || coalesce(c.reloptions::text, '-') || ', row security ' || c.relrowsecurity
           || '/' || c.relforcerowsecurity || ', replica identity ' || c.relreplident::text
           || ', acl ' || coalesce((SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(c.relacl) a), '-')
      FROM ident i JOIN pg_class c ON c.oid = i.objid WHERE i.catalog = 'pg_class'
    UNION ALL
    SELECT 'sequence ' || s.seqrelid::regclass || ': ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart
           || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache
           || ' cycle ' || s.seqcycle || coalesce(', owned by ' || (
               SELECT d.refobjid::regclass || '.' || a.attname || ' (' || d.deptype::text || ')'
                 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                  AND d.refclassid = 'pg_class'::regclass), '')
      FROM pg_sequence s JOIN ident i ON i.catalog = 'pg_class' AND i.objid = s.seqrelid
    -- columns: position among the live ones (a column added by ALTER TABLE goes last, and a
    -- dropped one leaves a gap in attnum: only the order users see counts)
    UNION ALL
    SELECT 'column ' || a.attrelid::regclass || '.' || a.attname || ': position '
           || row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)
           || ', ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
           || CASE a.attidentity WHEN '' THEN '' ELSE ' identity ' || a.attidentity::text END
           || CASE a.attgenerated WHEN '' THEN '' ELSE ' generated ' || a.attgenerated::text END
           || CASE WHEN a.attcollation <> 0 THEN ' collate ' || a.attcollation::regcollation ELSE '' END
           || ', storage ' || a.attstorage::text || coalesce(', compression ' || nullif(a.attcompression::text, ''), '')
           || coalesce(', statistics ' || nullif(a.attstattarget, -1), '') || coalesce(', options ' || (SELECT string_agg(o, ' ' ORDER BY o) FROM unnest(a.attoptions) o
                                       WHERE o NOT LIKE 'pg\_attver=%'), '')
           || coalesce(', acl ' || (SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(a.attacl) x), '')
      FROM ident i JOIN pg_class c ON c.oid = i.objid JOIN pg_attribute a ON a.attrelid = c.oid
      LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE i.catalog = 'pg_class' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped
    -- what hangs on relations and types
    UNION ALL
    SELECT 'constraint ' || con.conname || ' on ' || coalesce(con.conrelid::regclass::text, con.contypid::regtype::text)
           || ': ' || pg_get_constraintdef(con.oid) || CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END
      FROM pg_constraint con JOIN ident i ON i.objid IN (con.conrelid, con.contypid)
           AND i.catalog IN ('pg_class', 'pg_type')
    UNION ALL
    SELECT 'index ' || x.indexrelid::regclass || ': ' || pg_get_indexdef(x.indexrelid)
           || CASE WHEN x.indisclustered THEN ' (clustered)' ELSE '' END
           || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END
           || CASE WHEN x.indisreplident THEN ' (replica identity)' ELSE '' END
      FROM pg_index x JOIN ident i ON i.catalog = 'pg_class' AND i.objid = x.indrelid
    UNION ALL
    SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass || ': ' || pg_get_triggerdef(t.oid)
           || ' (enabled ' || t.tgenabled::text || ')'
      FROM pg_trigger t JOIN ident i ON i.catalog = 'pg_class' AND i.objid = t.tgrelid WHERE NOT t.tgisinternal
    UNION ALL
    SELECT 'rule ' || r.rulename || ' on ' || r.ev_class::regclass || ': ' || pg_get_ruledef(r.oid)
      FROM pg_rewrite r JOIN ident i ON i.catalog = 'pg_class' AND i.objid = r.ev_class WHERE r.rulename <> '_RETURN'
    UNION ALL
    SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass || ': ' || p.polcmd::text || ' '
           || p.polpermissive || ' to ' || p.polroles::regrole[]::text
           || coalesce(' using ' || pg_get_expr(p.polqual, p.polrelid), '')
           || coalesce(' check ' || pg_get_expr(p.polwithcheck, p.polrelid), '')
      FROM pg_policy p JOIN ident i ON i.catalog = 'pg_class' AND i.objid = p.polrelid
    UNION ALL
    SELECT 'statistics ' || s.stxname || ' on ' || s.stxrelid::regclass || ': ' || pg_get_statisticsobjdef(s.oid)
      FROM pg_statistic_ext s JOIN ident i ON i.catalog = 'pg_class' AND i.objid = s.stxrelid
    -- functions
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure || ': owner ' || p.proowner::regrole || ', acl '
           || coalesce((SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(p.proacl) a), 'default')
      FROM ident i JOIN pg_proc p ON p.oid = i.objid WHERE i.catalog = 'pg_proc'
    UNION ALL
    SELECT 'aggregate ' || a.aggfnoid::regprocedure || ': ' || a.aggkind::text || ' ' || a.aggtransfn::regproc || ' '
           || a.aggfinalfn::regproc || ' ' || a.aggcombinefn::regproc || ' ' || a.aggtranstype::regtype
           || ' ' || coalesce(a.agginitval, '-')
      FROM pg_aggregate a JOIN ident i ON i.catalog = 'pg_proc' AND i.objid = a.aggfnoid
    -- types of their own (not the row and array types of relations)
    UNION ALL
    SELECT 'type ' || t.oid::regtype || ': ' || t.typtype::text || ', owner ' || t.typowner::regrole
           || coalesce(', base ' || nullif(t.typbasetype, 0)::regtype::text, '')
           || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || t.typdefault, '')
           || coalesce(', labels ' || (SELECT string_agg(e.enumlabel, ' ' ORDER BY e.enumsortorder)
                                         FROM pg_enum e WHERE e.enumtypid = t.oid), '')
           || coalesce(', acl ' || (SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(t.typacl) a), '')
      FROM ident i JOIN pg_type t ON t.oid = i.objid
     WHERE i.catalog = 'pg_type' AND t.typrelid = 0 AND t.typelem = 0
    -- comments, initial privileges (what a dump restores as the extension's own), by identity
    UNION ALL
    SELECT 'comment on ' || o.type || ' ' || o.identity || ': ' || d.description
      FROM pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o
     WHERE o.schema = 'waitroom' OR (o.type = 'schema' AND o.identity = 'waitroom')
        OR (o.type = 'extension' AND o.identity = 'waitroom')
        OR (d.classoid, d.objoid) IN (SELECT classid, objid FROM pg_depend, ext
                                       WHERE refclassid = 'pg_extension'::regclass AND refobjid = ext.oid AND deptype = 'e')
    UNION ALL
    SELECT 'initial privileges of ' || o.type || ' ' || o.identity || ' (' || p.privtype::text || '): '
           || (SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(p.initprivs) a)
      FROM pg_init_privs p, pg_identify_object(p.classoid, p.objoid, p.objsubid) o
     WHERE o.schema = 'waitroom' OR (o.type = 'schema' AND o.identity = 'waitroom')
    -- the database's own
    UNION ALL
    SELECT 'default privileges of ' || defaclrole::regrole || ' in ' || coalesce(defaclnamespace::regnamespace::text, '-')
           || ' on ' || defaclobjtype::text || ': ' || (SELECT string_agg(a::text, ' ' ORDER BY a::text) FROM unnest(defaclacl) a)
      FROM pg_default_acl
    UNION ALL
    SELECT 'event trigger ' || evtname || ': ' || evtevent || ' ' || evtfoid::regprocedure || ' ' || evtenabled::text
           || coalesce(' ' || evttags::text, '')
      FROM pg_event_trigger
),
texts(key, body) AS (  -- definitions of many lines: each line keyed by its object, in order
    SELECT 'function ' || p.oid::regprocedure || ': ', pg_get_functiondef(p.oid)
      FROM ident i JOIN pg_proc p ON p.oid = i.objid WHERE i.catalog = 'pg_proc' AND p.prokind <> 'a'
    UNION ALL
    SELECT i.type || ' ' || i.identity || ': ', pg_get_viewdef(c.oid)
      FROM ident i JOIN pg_class c ON c.oid = i.objid WHERE i.catalog = 'pg_class' AND c.relkind IN ('v', 'm')
)
SELECT line FROM (SELECT line, line AS key, 0::bigint AS n FROM facts
                  UNION ALL
                  SELECT t.key || l.line, t.key, l.n FROM texts t,
                         regexp_split_to_table(t.body, E'\n') WITH ORDINALITY l(line, n)) f
 ORDER BY key COLLATE "C", n;
