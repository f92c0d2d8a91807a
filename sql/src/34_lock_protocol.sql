-- ---------------------------------------------------------------- waitroom's locks, for DBAs
-- The strategy lock and the article locks (extension/pg/lock_protocol.cpp has the protocol)
-- live in Postgres's lock manager under a tag of waitroom's own. The C that takes them also
-- names them here, so that no query spells a class, bucket or tag of its own.

-- Every tag: kind 'waiting' and 'pass' for each bucket, and the one 'strategy' lock (bucket
-- NULL), with the fields pg_locks shows (locktype 'advisory', database = this database).
CREATE FUNCTION lock_tags()
RETURNS TABLE (kind text, bucket int, classid oid, objid oid, objsubid int2)
AS 'MODULE_PATHNAME', 'waitroom_lock_tags' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 2049
SET search_path = waitroom, pg_catalog, pg_temp;

-- The bucket of a tenant's article's waiting and pass locks (it hashes both: SPEC §7).
CREATE FUNCTION article_lock_bucket(tenant_id text, article text) RETURNS int
AS 'MODULE_PATHNAME', 'waitroom_article_lock_bucket' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SET search_path = waitroom, pg_catalog, pg_temp;

-- Who holds or waits for which of waitroom's locks in this database: one row per pg_locks
-- row (a backend may hold a lock in two modes). pg_blocking_pids(pid) names whom a waiter
-- waits for.
CREATE VIEW lock_holders AS
SELECT t.kind, t.bucket, l.mode, l.granted, l.pid, l.virtualtransaction, l.waitstart
  FROM pg_catalog.pg_locks l
  JOIN lock_tags() t ON t.classid = l.classid AND t.objid = l.objid AND t.objsubid = l.objsubid
 WHERE l.locktype = 'advisory'
   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                      WHERE d.datname = pg_catalog.current_database());
