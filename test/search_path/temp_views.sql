-- A hijacker's session: a TEMP view in place of every table and view of waitroom (pg_temp is
-- searched first for relations unless a path names it). Each has waitroom's columns and no
-- rows; reading it notes the call (public.hijack_relation, in a subquery that no outer
-- condition can fold away), writing it too (an INSTEAD OF trigger). Run by each workload session first; every name is qualified (the session's path
-- is the hijacker's), and no privilege on waitroom's tables is needed.
\set QUIET 1
SELECT pg_catalog.format('CREATE TEMP VIEW %I AS SELECT * FROM (SELECT %s WHERE NOT public.hijack_relation(%L) OFFSET 0) s',
                         c.relname,
                         pg_catalog.string_agg(pg_catalog.format('NULL::%s AS %I',
                                                                 pg_catalog.format_type(a.atttypid, a.atttypmod),
                                                                 a.attname), ', ' ORDER BY a.attnum),
                         c.relname),
       pg_catalog.format('CREATE TRIGGER hijack_write INSTEAD OF INSERT OR UPDATE OR DELETE ON pg_temp.%I
                          FOR EACH ROW EXECUTE FUNCTION public.hijack_relation_write()', c.relname)
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
 WHERE c.relnamespace OPERATOR(pg_catalog.=) 'waitroom'::regnamespace
   AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,v}'::"char"[])
   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
 GROUP BY c.relname
 ORDER BY c.relname \gexec
