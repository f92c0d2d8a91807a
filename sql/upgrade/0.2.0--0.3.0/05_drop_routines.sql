-- Every trigger, view and routine of 0.2.0 goes; the sql/src pieces appended below make them
-- again as 0.3.0 has them. No CASCADE: an object of the merchant's that uses one of them (a
-- view on waiting_room, say) stops the upgrade with PostgreSQL's error naming it, instead of
-- being dropped with it.
DO $$
DECLARE
    ext oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'waitroom');
    obj record;
    left_over int;
BEGIN
    FOR obj IN SELECT t.tgname, t.tgrelid::regclass AS rel
                 FROM pg_catalog.pg_trigger t
                 JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                WHERE c.relnamespace = 'waitroom'::regnamespace AND NOT t.tgisinternal LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', obj.tgname, obj.rel);
    END LOOP;
    -- Views may use views: each round drops those nothing else uses. A last round without the
    -- handler raises PostgreSQL's own error for a view something outside the extension uses.
    FOR round IN 1..11 LOOP
        left_over := 0;
        FOR obj IN SELECT c.oid::regclass AS view
                     FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                AND d.refclassid = 'pg_extension'::regclass
                                                AND d.refobjid = ext AND d.deptype = 'e'
                    WHERE c.relkind = 'v' LOOP
            IF round = 11 THEN
                EXECUTE pg_catalog.format('DROP VIEW %s', obj.view);
            END IF;
            BEGIN
                EXECUTE pg_catalog.format('DROP VIEW %s', obj.view);
            EXCEPTION WHEN dependent_objects_still_exist THEN
                left_over := left_over + 1;
            END;
        END LOOP;
        EXIT WHEN left_over = 0;
    END LOOP;
    FOR obj IN SELECT p.oid::regprocedure AS routine
                 FROM pg_catalog.pg_proc p
                 JOIN pg_catalog.pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                            AND d.refclassid = 'pg_extension'::regclass
                                            AND d.refobjid = ext AND d.deptype = 'e' LOOP
        EXECUTE pg_catalog.format('DROP ROUTINE %s', obj.routine);
    END LOOP;
END $$;
