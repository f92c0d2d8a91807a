-- Introspection for tests and DBAs. None of it is for PUBLIC.

-- Every statement the C module prepares (SPI), as [{"sql", "nargs"}]; parameters are text.
-- test/suites/25-plan-guard.sh EXPLAINs each as the generic plan it runs.
CREATE FUNCTION _statements() RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_statements' LANGUAGE C STABLE
SET search_path = waitroom, pg_catalog, pg_temp;

-- The functions, aggregates, window functions and operators that a statement text resolves to
-- under waitroom's own path (nargs text parameters, or NULL: $n of inferred types), schema-
-- qualified. A text that does not analyze gives a row ('error', message); a utility statement
-- ('utility', its tag). test/suites/26-search-path.sh plants overrides of each.
CREATE FUNCTION _routines_used(sql text, nargs int DEFAULT NULL)
RETURNS TABLE (kind text, signature text)
AS 'MODULE_PATHNAME', 'waitroom_routines_used' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

-- From now on in this session, every statement analyzed inside a function or trigger (SPI,
-- PL/pgSQL, SQL function bodies; not the session's own statements) is recorded with the
-- routines it resolved to; _recorded_routines() lists them: ('statement', NULL, query_id,
-- text) per statement, (kind, signature, query_id, NULL) per routine it uses.
CREATE FUNCTION _record_routines() RETURNS void
AS 'MODULE_PATHNAME', 'waitroom_record_routines' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;
CREATE FUNCTION _recorded_routines()
RETURNS TABLE (kind text, signature text, query_id bigint, statement text)
AS 'MODULE_PATHNAME', 'waitroom_recorded_routines' LANGUAGE C VOLATILE
SET search_path = waitroom, pg_catalog, pg_temp;

REVOKE EXECUTE ON FUNCTION _statements(), _routines_used(text, int), _record_routines(),
    _recorded_routines() FROM PUBLIC;
