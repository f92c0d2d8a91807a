-- The generic plan of every statement the C module prepares (waitroom._statements()), as
-- one JSON line each: {"sql", "plan", "error"}. Parameters are text, all NULL: a generic
-- plan does not depend on them. Run with psql -At.
\set ON_ERROR_STOP 1
\set QUIET 1
SET plan_cache_mode = force_generic_plan;
CREATE FUNCTION pg_temp.generic_plans() RETURNS TABLE (sql text, plan jsonb, error text)
LANGUAGE plpgsql AS $$
DECLARE
    s    jsonb;
    i    int := 0;
    args text;
    vals text;
BEGIN
    FOR s IN SELECT * FROM jsonb_array_elements(waitroom._statements()) LOOP
        i := i + 1;
        sql := s->>'sql';
        plan := NULL;
        error := NULL;
        SELECT '(' || string_agg('text', ', ') || ')', '(' || string_agg('NULL', ', ') || ')'
          INTO args, vals FROM generate_series(1, (s->>'nargs')::int);
        BEGIN
            EXECUTE format('PREPARE plan_guard_%s%s AS %s', i, coalesce(args, ''), sql);
            EXECUTE format('EXPLAIN (FORMAT JSON) EXECUTE plan_guard_%s%s', i, coalesce(vals, ''))
               INTO plan;
            EXECUTE format('DEALLOCATE plan_guard_%s', i);
        EXCEPTION WHEN OTHERS THEN
            error := SQLERRM;
        END;
        RETURN NEXT;
    END LOOP;
END $$;
SELECT jsonb_build_object('sql', sql, 'plan', plan, 'error', error) FROM pg_temp.generic_plans();
