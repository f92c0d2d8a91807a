-- Introspection for tests and DBAs.

-- Every statement the C module prepares (SPI), as [{"sql", "nargs"}]; parameters are text.
-- test/suites/25-plan-guard.sh EXPLAINs each as the generic plan it runs.
CREATE FUNCTION _statements() RETURNS jsonb
AS 'MODULE_PATHNAME', 'waitroom_statements' LANGUAGE C STABLE
SET search_path = waitroom, pg_catalog;
