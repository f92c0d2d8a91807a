-- waitroom_pgtap: pgTAP helpers for the merchant's own test suites (docs/pgtap-helpers.md).
--   CREATE EXTENSION waitroom_pgtap CASCADE;   -- also creates waitroom and pgtap if missing
-- Setup:      given_network(jsonb)           facilities, listings and stock from compact JSON
-- Assertions: plans_are(order, jsonb, text)  an order's plans: status, facility, line quantities
--             queue_is(article, text[], text) the waiting_queue() order of an article
--             invariants_hold(text)          check_invariants() finds nothing
-- The assertions return TAP text made by pgTAP's own ok() / is() / diag(), so they count in
-- plan() and finish() like pgTAP's.
--
-- Who may use them: every function is SECURITY INVOKER, so it can do only what its caller may
-- (given_network writes as waitroom_app or the owner would; plans_are reads as
-- waitroom_app or waitroom_reader would; invariants_hold needs check_invariants(), granted to
-- waitroom_reader). Granting them to PUBLIC therefore grants nothing new: the schema's USAGE
-- and the functions' EXECUTE are left to PUBLIC, and a test login uses them with its own role.
--
-- The extension object lives in pg_catalog and the script creates the schema as a member (as
-- waitroom does), so DROP EXTENSION waitroom_pgtap removes everything it made.
\echo Use "CREATE EXTENSION waitroom_pgtap CASCADE" to load this file. \quit

CREATE SCHEMA waitroom_pgtap;
GRANT USAGE ON SCHEMA waitroom_pgtap TO PUBLIC;

-- Every function pins this search_path (SET search_path FROM CURRENT): pgTAP's functions call
-- each other unqualified, so its schema, wherever CREATE EXTENSION put it, must be on the path.
SELECT pg_catalog.set_config('search_path',
         'pg_catalog, waitroom_pgtap, waitroom, ' || pg_catalog.quote_ident(n.nspname) || ', pg_temp', true)
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pgtap';

-- ---------------------------------------------------------------- internals

-- A pgTAP result: ok(), followed by the diagnostic lines when it failed.
CREATE FUNCTION waitroom_pgtap._result(good boolean, description text, diagnostic text)
RETURNS text LANGUAGE sql VOLATILE SET search_path FROM CURRENT AS $$
    SELECT ok(good, description) || CASE WHEN good THEN '' ELSE E'\n' || diag(diagnostic) END
$$;

-- A malformed argument: 22023 naming where it is, as waitroom's API does.
CREATE FUNCTION waitroom_pgtap._reject(fn text, path text, problem text, got jsonb)
RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION '%: %: %, got %', fn, path, problem, coalesce(got::text, 'nothing')
        USING ERRCODE = '22023', HINT = 'docs/pgtap-helpers.md shows the expected shape';
END $$;

-- The order a test means by its tenantOrderId: the open one, else the newest.
CREATE FUNCTION waitroom_pgtap._order_id(tenant_order_id text)
RETURNS uuid LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT o.order_id FROM waitroom.orders o WHERE o.tenant_order_id = _order_id.tenant_order_id
     ORDER BY o.status = 'OPEN' DESC, o.created_at DESC, o.order_date DESC, o.order_id LIMIT 1
$$;

-- An object of positive (or, zero_ok, non-negative) integers by key, checked.
CREATE FUNCTION waitroom_pgtap._quantities(fn text, path text, v jsonb, zero_ok boolean)
RETURNS jsonb LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    k text;
    q jsonb;
BEGIN
    IF jsonb_typeof(v) IS DISTINCT FROM 'object' THEN
        PERFORM _reject(fn, path, 'an object of quantities by key expected', v);
    END IF;
    FOR k, q IN SELECT * FROM jsonb_each(v) LOOP
        IF jsonb_typeof(q) <> 'number' OR q::text !~ '^[0-9]+$' OR q::numeric > 2147483647
           OR (q::numeric = 0 AND NOT zero_ok) THEN
            PERFORM _reject(fn, path || '.' || k,
                            CASE WHEN zero_ok THEN 'an integer >= 0' ELSE 'an integer > 0' END, q);
        END IF;
    END LOOP;
    RETURN v;
END $$;

-- An order's plans as plans_are() compares them (see there), sorted.
CREATE FUNCTION waitroom_pgtap._plans(order_id uuid)
RETURNS jsonb LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]')
      FROM (SELECT jsonb_strip_nulls(jsonb_build_object(
                     'status', p.status, 'facility', p.facility_ref,
                     'lines', coalesce((SELECT jsonb_object_agg(l.line_id, l.quantity)
                                          FROM waitroom.routing_plan_line l
                                         WHERE l.routing_plan_id = p.routing_plan_id AND l.quantity > 0),
                                       '{}'),
                     'short', (SELECT jsonb_object_agg(pl.line_id, pl.short_quantity)
                                 FROM waitroom.pick_job j
                                 JOIN waitroom.pick_line pl ON pl.pick_job_id = j.pick_job_id
                                WHERE j.routing_plan_id = p.routing_plan_id AND pl.short_quantity > 0))) AS x
              FROM waitroom.routing_plan p WHERE p.order_id = _plans.order_id) s
$$;

-- ---------------------------------------------------------------- setup

-- Facilities, listings and stock from one object keyed by facility_ref:
--   {"F1": {"stock": {"a": 5}, "listings": {"b": "BACKORDER"}},
--    "F2": {"status": "OFFLINE", "name": "Munich", "lat": 48.1, "lon": 11.6,
--           "listings": {"p": {"behaviour": "PREORDER", "availableFrom": "2030-01-01T00:00:00Z"}}}}
-- stock: on_hand by article; each gets an ACTIVE listing with behaviour NONE unless `listings`
-- names the article. listings: by article, a behaviour (NONE, BACKORDER), "INACTIVE", or an
-- object {"behaviour", "status", "availableFrom"} (PREORDER needs availableFrom); an article
-- listed without stock has no stock row. Returns a TAP comment line saying what it made.
CREATE FUNCTION waitroom_pgtap.given_network(network jsonb)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    fn          CONSTANT text := 'given_network';
    ref         text;
    f           jsonb;
    k           text;
    article     text;
    v           jsonb;
    behaviour   text;
    status      text;
    available   timestamptz;
    n_listings  int := 0;
    n_stock     int := 0;
    n_facility  int := 0;
BEGIN
    IF jsonb_typeof(network) IS DISTINCT FROM 'object' OR network = '{}' THEN
        PERFORM _reject(fn, 'network', 'a non-empty object of facilities by facility_ref expected', network);
    END IF;
    FOR ref, f IN SELECT * FROM jsonb_each(network) ORDER BY 1 LOOP
        IF jsonb_typeof(f) <> 'object' THEN
            PERFORM _reject(fn, ref, 'an object expected (status, name, lat, lon, stock, listings)', f);
        END IF;
        FOR k IN SELECT jsonb_object_keys(f) LOOP
            IF k NOT IN ('status', 'name', 'lat', 'lon', 'stock', 'listings') THEN
                PERFORM _reject(fn, ref || '.' || k, 'unknown key (status, name, lat, lon, stock, listings)', f -> k);
            END IF;
        END LOOP;
        IF f ? 'status' AND coalesce(f ->> 'status', '') NOT IN ('ONLINE', 'SUSPENDED', 'OFFLINE') THEN
            PERFORM _reject(fn, ref || '.status', 'ONLINE, SUSPENDED or OFFLINE', f -> 'status');
        END IF;
        IF f ? 'name' AND jsonb_typeof(f -> 'name') <> 'string' THEN
            PERFORM _reject(fn, ref || '.name', 'a string', f -> 'name');
        END IF;
        FOREACH k IN ARRAY ARRAY['lat', 'lon'] LOOP
            IF f ? k AND jsonb_typeof(f -> k) NOT IN ('number', 'null') THEN
                PERFORM _reject(fn, ref || '.' || k, 'a number', f -> k);
            END IF;
        END LOOP;
        IF f ? 'stock' THEN
            PERFORM _quantities(fn, ref || '.stock', f -> 'stock', true);
        END IF;
        IF f ? 'listings' AND jsonb_typeof(f -> 'listings') <> 'object' THEN
            PERFORM _reject(fn, ref || '.listings', 'an object of listings by article', f -> 'listings');
        END IF;

        INSERT INTO waitroom.facility (facility_ref, name, status, lat, lon)
        VALUES (ref, f ->> 'name', coalesce(f ->> 'status', 'ONLINE'),
                (f ->> 'lat')::double precision, (f ->> 'lon')::double precision);
        n_facility := n_facility + 1;

        FOR article IN SELECT jsonb_object_keys(coalesce(f -> 'stock', '{}') || coalesce(f -> 'listings', '{}'))
                        ORDER BY 1 LOOP
            v := f -> 'listings' -> article;
            behaviour := 'NONE'; status := 'ACTIVE'; available := NULL;
            IF jsonb_typeof(v) = 'string' THEN
                CASE v #>> '{}'
                    WHEN 'NONE', 'BACKORDER' THEN behaviour := v #>> '{}';
                    WHEN 'INACTIVE' THEN status := 'INACTIVE';
                    WHEN 'PREORDER' THEN
                        PERFORM _reject(fn, ref || '.listings.' || article,
                                        'a PREORDER needs its time: {"behaviour": "PREORDER", "availableFrom": "..."}', v);
                    ELSE
                        PERFORM _reject(fn, ref || '.listings.' || article, 'NONE, BACKORDER, INACTIVE or an object', v);
                END CASE;
            ELSIF jsonb_typeof(v) = 'object' THEN
                FOR k IN SELECT jsonb_object_keys(v) LOOP
                    IF k NOT IN ('behaviour', 'status', 'availableFrom') THEN
                        PERFORM _reject(fn, ref || '.listings.' || article || '.' || k,
                                        'unknown key (behaviour, status, availableFrom)', v -> k);
                    END IF;
                END LOOP;
                behaviour := coalesce(v ->> 'behaviour', 'NONE');
                status := coalesce(v ->> 'status', 'ACTIVE');
                IF behaviour NOT IN ('NONE', 'BACKORDER', 'PREORDER') THEN
                    PERFORM _reject(fn, ref || '.listings.' || article || '.behaviour',
                                    'NONE, BACKORDER or PREORDER', v -> 'behaviour');
                END IF;
                IF status NOT IN ('ACTIVE', 'INACTIVE') THEN
                    PERFORM _reject(fn, ref || '.listings.' || article || '.status', 'ACTIVE or INACTIVE', v -> 'status');
                END IF;
                IF v ? 'availableFrom' THEN
                    BEGIN
                        available := (v ->> 'availableFrom')::timestamptz;
                    EXCEPTION WHEN OTHERS THEN
                        PERFORM _reject(fn, ref || '.listings.' || article || '.availableFrom',
                                        'a timestamp', v -> 'availableFrom');
                    END;
                END IF;
                IF behaviour = 'PREORDER' AND available IS NULL THEN
                    PERFORM _reject(fn, ref || '.listings.' || article || '.availableFrom',
                                    'required for a PREORDER listing', v -> 'availableFrom');
                END IF;
            ELSIF v IS NOT NULL THEN
                PERFORM _reject(fn, ref || '.listings.' || article, 'NONE, BACKORDER, INACTIVE or an object', v);
            END IF;
            INSERT INTO waitroom.listing (facility_ref, tenant_article_id, status, out_of_stock_behaviour,
                                          preorder_available_from)
            VALUES (ref, article, status, behaviour, available);
            n_listings := n_listings + 1;
            IF f -> 'stock' ? article THEN
                INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand)
                VALUES (ref, article, (f -> 'stock' ->> article)::int);
                n_stock := n_stock + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN diag(format('given_network: facilities %s, listings %s, stock rows %s', n_facility, n_listings, n_stock));
END $$;

-- ---------------------------------------------------------------- assertions

-- Plans as the diagnostics print them: a JSON array, each plan's keys in the order
-- status, facility, lines, short (jsonb would sort them by length), by status then facility.
CREATE FUNCTION waitroom_pgtap._plans_text(plans jsonb)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path FROM CURRENT AS $$
    SELECT '[' || coalesce(string_agg(
               concat_ws(', ', '{"status": ' || (x -> 'status')::text,
                         '"facility": ' || (x -> 'facility')::text,
                         '"lines": ' || (x -> 'lines')::text,
                         '"short": ' || (x -> 'short')::text) || '}',
               ', ' ORDER BY x ->> 'status', x ->> 'facility', x::text), '') || ']'
      FROM jsonb_array_elements(plans) x
$$;

-- plans_are()'s expectation, checked (22023 naming the place) and sorted like _plans().
CREATE FUNCTION waitroom_pgtap._expected_plans(plans jsonb)
RETURNS jsonb LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    fn    CONSTANT text := 'plans_are';
    want  jsonb := '[]';
    p     jsonb;
    i     int := 0;
    k     text;
BEGIN
    IF jsonb_typeof(plans) IS DISTINCT FROM 'array' THEN
        PERFORM _reject(fn, 'plans', 'an array of plans expected', plans);
    END IF;
    FOR p IN SELECT * FROM jsonb_array_elements(plans) LOOP
        i := i + 1;
        IF jsonb_typeof(p) <> 'object' THEN
            PERFORM _reject(fn, format('plans[%s]', i), 'an object {status, facility, lines, short}', p);
        END IF;
        FOR k IN SELECT jsonb_object_keys(p) LOOP
            IF k NOT IN ('status', 'facility', 'lines', 'short') THEN
                PERFORM _reject(fn, format('plans[%s].%s', i, k), 'unknown key (status, facility, lines, short)', p -> k);
            END IF;
        END LOOP;
        IF coalesce(p ->> 'status', '') NOT IN ('WAITING', 'ROUTED', 'NOT_ROUTABLE', 'CANCELLED') THEN
            PERFORM _reject(fn, format('plans[%s].status', i), 'WAITING, ROUTED, NOT_ROUTABLE or CANCELLED', p -> 'status');
        END IF;
        IF jsonb_typeof(p -> 'facility') NOT IN ('string', 'null') THEN
            PERFORM _reject(fn, format('plans[%s].facility', i), 'a facility_ref', p -> 'facility');
        END IF;
        PERFORM _quantities(fn, format('plans[%s].lines', i), coalesce(p -> 'lines', '{}'), false);
        PERFORM _quantities(fn, format('plans[%s].short', i), coalesce(p -> 'short', '{}'), false);
        want := want || jsonb_build_array(jsonb_strip_nulls(p || jsonb_build_object(
                    'lines', coalesce(p -> 'lines', '{}'),
                    'short', CASE WHEN p -> 'short' <> '{}' THEN p -> 'short' END)));
    END LOOP;
    RETURN (SELECT coalesce(jsonb_agg(x ORDER BY x::text), '[]') FROM jsonb_array_elements(want) x);
END $$;

-- The order's plans, every one (cancelled too), as a set; each is
--   {"status": "ROUTED", "facility": "F1", "lines": {"1": 2}, "short": {"1": 1}}
-- facility: omitted while the plan has none (WAITING, NOT_ROUTABLE); lines: the plan's line
-- quantities > 0 by lineId (picked + short, or waiting); short: the pick lines' short
-- quantities > 0 (omitted when none). On failure the diagnostic shows both sides in this
-- form, and the plans missing and unexpected.
CREATE FUNCTION waitroom_pgtap.plans_are(order_id uuid, plans jsonb, description text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    want  jsonb := _expected_plans(plans);
    have  jsonb;
    label text := coalesce((SELECT o.tenant_order_id FROM waitroom.orders o WHERE o.order_id = plans_are.order_id),
                           plans_are.order_id::text);
BEGIN
    description := coalesce(description, format('order %s has plans %s', label, plans));
    IF NOT EXISTS (SELECT FROM waitroom.orders o WHERE o.order_id = plans_are.order_id) THEN
        RETURN _result(false, description, format('    no order %s', label));
    END IF;
    have := _plans(plans_are.order_id);
    RETURN _result(have = want, description, format(
        E'    have: %s\n    want: %s\n    missing:    %s\n    unexpected: %s',
        _plans_text(have), _plans_text(want),
        _plans_text(coalesce((SELECT jsonb_agg(x) FROM jsonb_array_elements(want) x
                               WHERE NOT have @> jsonb_build_array(x)), '[]')),
        _plans_text(coalesce((SELECT jsonb_agg(x) FROM jsonb_array_elements(have) x
                               WHERE NOT want @> jsonb_build_array(x)), '[]'))));
END $$;

-- The same by tenantOrderId: the OPEN order with that id, else its newest one.
CREATE FUNCTION waitroom_pgtap.plans_are(tenant_order_id text, plans jsonb, description text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    id uuid := _order_id(tenant_order_id);
BEGIN
    description := coalesce(description, format('order %s has plans %s', tenant_order_id, plans));
    IF id IS NULL THEN
        PERFORM _expected_plans(plans);  -- a malformed expectation is an error all the same
        RETURN _result(false, description, format('    no order with tenantOrderId %s', tenant_order_id));
    END IF;
    RETURN plans_are(id, plans, description);
END $$;

-- The waiting queue of an article in a tenant (SPEC §7; 'default' when not named): the
-- tenantOrderIds of its waiting plans in the order waitroom.waiting_queue() serves them (the
-- strategy's priority; 1 = next). Compared with pgTAP's is(), which shows both arrays on failure.
CREATE FUNCTION waitroom_pgtap.queue_is(article text, tenant_order_ids text[], description text DEFAULT NULL,
                                        tenant_id text DEFAULT 'default')
RETURNS text LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
    SELECT is((SELECT coalesce(array_agg(q.tenant_order_id ORDER BY q.queue_rank, q.plan_no), '{}')
                 FROM (SELECT DISTINCT ON (w.routing_plan_id) o.tenant_order_id, w.queue_rank, p.plan_no
                         FROM waitroom.waiting_queue(queue_is.tenant_id, ARRAY[article]) w
                         JOIN waitroom.routing_plan p
                           ON p.tenant_id = queue_is.tenant_id AND p.routing_plan_id = w.routing_plan_id
                         JOIN waitroom.orders o ON o.tenant_id = queue_is.tenant_id AND o.order_id = p.order_id
                        WHERE NOT w.probe
                        ORDER BY w.routing_plan_id) q),
              tenant_order_ids,
              coalesce(description, format('the queue of %s is %s', article, tenant_order_ids)))
$$;

-- waitroom.check_invariants() finds nothing; on failure the diagnostic lists the violations
-- (the first 20, then how many more).
CREATE FUNCTION waitroom_pgtap.invariants_hold(description text DEFAULT 'waitroom invariants hold')
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    found   text[];
BEGIN
    SELECT array_agg(format('    %s: %s: %s', c.invariant, c.subject, c.detail) ORDER BY c.invariant, c.subject)
      INTO found FROM waitroom.check_invariants() c;
    RETURN _result(found IS NULL, description, format(E'    %s violation(s):\n%s%s', cardinality(found),
        array_to_string(found[1:20], E'\n'),
        CASE WHEN cardinality(found) > 20 THEN format(E'\n    ... and %s more', cardinality(found) - 20) ELSE '' END));
END $$;
