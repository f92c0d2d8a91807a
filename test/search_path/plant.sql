-- The hijacker's kit (test/suites/26-search-path.sh), run as superuser in a database with
-- waitroom: a log of planted calls and the functions that plant overrides in schema public.
-- Everything here pins its own path, so the kit never calls its own overrides.
\set ON_ERROR_STOP 1
SET search_path = pg_catalog, pg_temp;

CREATE TABLE public.hijack_target (kind text NOT NULL, signature text NOT NULL);
CREATE TABLE public.hijack_planted (kind text, signature text, outcome text);
-- Transactional record of each planted call; the WARNING is the record that survives a
-- rollback (psql stderr, server log).
CREATE TABLE public.hijack_log (
    at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    who       text NOT NULL DEFAULT CURRENT_USER,
    signature text NOT NULL,
    nested    bool NOT NULL,   -- called from inside something (a waitroom function or trigger)
    context   text
);
GRANT SELECT, INSERT ON public.hijack_log TO PUBLIC;

-- Called first by every override. Once per signature and session (a planted `=` may run per
-- row); "waitroom-hijack" when called from inside a function, trigger or SPI statement,
-- "caller-own-call" when the session's own statement called it (a mistake of the workload).
CREATE FUNCTION public.hijack_note(signature text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stack  text;
    nested bool;
    seen   text := 'hijack.h' || md5(signature);
BEGIN
    IF current_setting(seen, true) = 'y' THEN
        RETURN;
    END IF;
    PERFORM set_config(seen, 'y', false);
    GET DIAGNOSTICS stack = PG_CONTEXT;
    -- Frames: this function, the override's PERFORM and the override, then whatever called it.
    nested := coalesce(array_length(string_to_array(stack, E'\n'), 1), 0) > 3;
    IF nested THEN
        RAISE WARNING 'waitroom-hijack: % (db %, user %)', signature, current_database(), current_user
            USING DETAIL = stack;
    ELSE
        RAISE WARNING 'caller-own-call: % (db %, user %)', signature, current_database(), current_user;
    END IF;
    INSERT INTO public.hijack_log (signature, nested, context) VALUES (signature, nested, stack);
END $$;

-- The TEMP views that stand in for waitroom's tables (temp_views.sql): reading one runs
-- this in its WHERE, writing one the trigger below.
CREATE FUNCTION public.hijack_relation(relation text) RETURNS bool
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.hijack_note('relation pg_temp.' || relation);
    RETURN true;
END $$;
CREATE FUNCTION public.hijack_relation_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.hijack_note('relation pg_temp.' || TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- Whether a PL/pgSQL function can take or return this type: base types and the polymorphic
-- families, not "any", internal, cstring, record and other pseudo-types.
CREATE FUNCTION public.hijack_type_ok(t oid) RETURNS bool
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT typtype <> 'p' OR typname IN ('anyelement', 'anyarray', 'anynonarray', 'anyenum',
               'anyrange', 'anymultirange', 'anycompatible', 'anycompatiblearray',
               'anycompatiblenonarray', 'anycompatiblerange', 'anycompatiblemultirange')
      FROM pg_type WHERE oid = t
$$;

-- Plants in public an override of one pg_catalog routine: same name and argument types; it
-- notes the call, then returns what the original returns. Returns 'planted' or why not.
CREATE FUNCTION public.hijack_plant(kind text, signature text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    op     pg_operator;
    p      pg_proc;
    fn     text;
    args   text;
    body   text;
    vol    text;
    stype  text;
BEGIN
    IF kind = 'operator' THEN
        SELECT * INTO op FROM pg_operator WHERE oid = signature::regoperator;
        IF op.oprnamespace <> 'pg_catalog'::regnamespace THEN
            RETURN 'not pg_catalog';
        END IF;
        IF NOT (public.hijack_type_ok(op.oprright) AND public.hijack_type_ok(op.oprresult)
                AND (op.oprleft = 0 OR public.hijack_type_ok(op.oprleft))) THEN
            RETURN 'not plantable: pseudo-type';
        END IF;
        fn := format('public.hijack_op_%s', op.oid);
        SELECT CASE provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END
          INTO vol FROM pg_proc WHERE oid = op.oprcode;
        IF op.oprleft = 0 THEN
            args := format('%s', op.oprright::regtype);
            body := format('RETURN OPERATOR(pg_catalog.%s) $1;', op.oprname);
        ELSE
            args := format('%s, %s', op.oprleft::regtype, op.oprright::regtype);
            body := format('RETURN $1 OPERATOR(pg_catalog.%s) $2;', op.oprname);
        END IF;
        EXECUTE format('CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE plpgsql %s
                        SET search_path = pg_catalog, pg_temp
                        AS %L', fn, args, op.oprresult::regtype, vol,
                       format('BEGIN PERFORM public.hijack_note(%L); %s END', signature, body));
        EXECUTE format('CREATE OPERATOR public.%s (%s RIGHTARG = %s, FUNCTION = %s)', op.oprname,
                       CASE WHEN op.oprleft = 0 THEN '' ELSE format('LEFTARG = %s,', op.oprleft::regtype) END,
                       op.oprright::regtype, fn);
        RETURN 'planted';
    END IF;

    SELECT * INTO p FROM pg_proc WHERE oid = signature::regprocedure;
    IF p.pronamespace <> 'pg_catalog'::regnamespace THEN
        RETURN 'not pg_catalog';
    END IF;
    IF EXISTS (SELECT FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) t
                WHERE NOT public.hijack_type_ok(t))
       OR (NOT public.hijack_type_ok(p.prorettype)
           AND p.prorettype NOT IN ('void'::regtype, 'record'::regtype)) THEN
        RETURN 'not plantable: pseudo-type';
    END IF;
    vol := CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END;
    -- $1..$n, VARIADIC on the last if the original is variadic.
    SELECT coalesce(string_agg(CASE WHEN i = p.pronargs AND p.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END
                               || '$' || i, ', ' ORDER BY i), '')
      INTO args FROM generate_series(1, p.pronargs) i;

    IF p.prokind = 'f' THEN
        IF p.prorettype = 'record'::regtype AND (p.proallargtypes IS NULL OR NOT p.proretset) THEN
            RETURN 'not plantable: returns record';
        END IF;
        body := CASE
            WHEN p.proretset THEN format('RETURN QUERY SELECT * FROM pg_catalog.%I(%s);', p.proname, args)
            WHEN p.prorettype = 'void'::regtype THEN format('PERFORM pg_catalog.%I(%s); RETURN;', p.proname, args)
            ELSE format('RETURN pg_catalog.%I(%s);', p.proname, args) END;
        EXECUTE format('CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql %s %s
                        SET search_path = pg_catalog, pg_temp AS %L',
                       p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), vol,
                       CASE WHEN p.proisstrict THEN 'STRICT' ELSE '' END,
                       format('BEGIN PERFORM public.hijack_note(%L); %s END', signature, body));
        RETURN 'planted';
    END IF;

    IF p.prokind = 'a' THEN
        -- The override collects its input into an array and runs the original over it.
        IF (SELECT aggkind FROM pg_aggregate WHERE aggfnoid = p.oid) <> 'n' OR p.pronargs > 1 THEN
            RETURN 'not plantable: aggregate of several arguments or ordered-set';
        END IF;
        fn := format('public.hijack_agg_%s', p.oid);
        IF p.pronargs = 0 THEN  -- count(*)
            EXECUTE format('CREATE FUNCTION %s_step(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
                            AS $b$ SELECT $1 OPERATOR(pg_catalog.+) 1 $b$', fn);
            EXECUTE format('CREATE FUNCTION %s_final(bigint) RETURNS bigint LANGUAGE plpgsql
                            SET search_path = pg_catalog, pg_temp AS %L', fn,
                           format('BEGIN PERFORM public.hijack_note(%L); RETURN $1; END', signature));
            EXECUTE format('CREATE AGGREGATE public.%I(*) (SFUNC = %s_step, STYPE = bigint,
                            INITCOND = ''0'', FINALFUNC = %s_final)', p.proname, fn, fn);
            RETURN 'planted';
        END IF;
        IF (SELECT typcategory = 'A' FROM pg_type WHERE oid = p.proargtypes[0])
           OR p.proargtypes[0] IN ('anyarray'::regtype, 'anycompatiblearray'::regtype) THEN
            RETURN 'not plantable: aggregate over arrays';
        END IF;
        stype := CASE WHEN p.proargtypes[0] IN ('anyelement'::regtype, 'anynonarray'::regtype)
                      THEN 'anyarray'
                      WHEN p.proargtypes[0] IN ('anycompatible'::regtype, 'anycompatiblenonarray'::regtype)
                      THEN 'anycompatiblearray'
                      ELSE format('%s[]', p.proargtypes[0]::regtype) END;
        EXECUTE format('CREATE FUNCTION %s_step(%s, %s) RETURNS %s LANGUAGE sql IMMUTABLE
                        AS $b$ SELECT pg_catalog.array_append($1, $2) $b$',
                       fn, stype, p.proargtypes[0]::regtype, stype);
        EXECUTE format('CREATE FUNCTION %s_final(%s) RETURNS %s LANGUAGE plpgsql
                        SET search_path = pg_catalog, pg_temp AS %L', fn, stype, p.prorettype::regtype,
                       format('BEGIN PERFORM public.hijack_note(%L);
                               RETURN (SELECT pg_catalog.%I(x) FROM pg_catalog.unnest($1) AS x); END',
                              signature, p.proname));
        EXECUTE format('CREATE AGGREGATE public.%I(%s) (SFUNC = %s_step, STYPE = %s, FINALFUNC = %s_final)',
                       p.proname, p.proargtypes[0]::regtype, fn, stype, fn);
        RETURN 'planted';
    END IF;
    RETURN 'not plantable: window function';
END $$;

-- Plants every target; each in its own subtransaction, so that one that cannot be planted
-- (a name clash, a type PL/pgSQL refuses) is reported and the rest still planted.
CREATE FUNCTION public.hijack_plant_all() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t       record;
    outcome text;
BEGIN
    FOR t IN SELECT DISTINCT kind, signature FROM public.hijack_target ORDER BY 1, 2 LOOP
        BEGIN
            outcome := public.hijack_plant(t.kind, t.signature);
        EXCEPTION WHEN OTHERS THEN
            outcome := 'not plantable: ' || SQLERRM;
        END;
        INSERT INTO public.hijack_planted VALUES (t.kind, t.signature, outcome);
    END LOOP;
END $$;
