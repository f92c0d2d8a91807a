-- waitroom_pgtap 0.2.0 -> 0.3.0 (with waitroom 0.3.0, SPEC §7): queue_is() reads one
-- tenant's queue, 'default' unless named.

\echo Use "ALTER EXTENSION waitroom_pgtap UPDATE TO '0.3.0'" to load this file. \quit

DROP FUNCTION waitroom_pgtap.queue_is(text, text[], text);
-- The search_path its functions pin, as the install script sets it.
SELECT pg_catalog.set_config('search_path',
         'pg_catalog, waitroom_pgtap, waitroom, ' || pg_catalog.quote_ident(n.nspname) || ', pg_temp', true)
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pgtap';

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

