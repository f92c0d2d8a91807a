-- waitroomd's dashboard (docs/dashboard.md): what its page shows, one function per refresh
-- cadence of the daemon (tiles, oldest waits, event lag and dead letters every 2 s; largest
-- queues, their reasons and the releases every 20 s), as the JSON the page polls. They run as
-- the owner (95_privileges.sql), so waitroom_daemon reads none of these tables and views itself
-- and the view's inner reads need no grant. Each statement is the daemon's query as it was,
-- tuned at 105,000 waiting plans (docs/dashboard.md, "What it costs the database"); JIT off:
-- compiling cost 1.4 s per query at that size. PL/pgSQL: one statement per read, as before (the
-- plan guard judges each on its own).
-- Tenants (SPEC §7): the page shows every tenant's figures together; what names an order, an
-- article or an event names its tenant too ("tenantId"), and an article's queue and its
-- reasons are that tenant's article's only.

-- dashboard.json's "stats", "serverTime", "oldest", "subscriptions" and "deadLetters".
CREATE FUNCTION dashboard_summary()
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    tiles jsonb;
    oldest jsonb;
    subscriptions jsonb;
    dead_letters jsonb;
BEGIN
    -- The tiles: waitroom.stats, made to be polled (its waiting_lines counts every waiting line).
    SELECT jsonb_build_object(
               'plansWaiting', s.plans_waiting, 'plansNotRoutable', s.plans_not_routable,
               'waitingLines', s.waiting_lines,
               'oldestWaitSeconds', extract(epoch FROM s.oldest_waiting_age)::float8,
               'rerouteQueueDepth', s.reroute_queue_depth,
               'deliveriesPending', s.deliveries_pending, 'deliveriesDead', s.deliveries_dead)
      INTO tiles FROM stats s;

    -- The oldest waiting plans by the partial index on waiting_since, then their lines in the
    -- waiting_room view, filtered by article (its queue's partition, which reaches the
    -- indexes): the cost follows those articles' queues, not the waiting room. Their articles
    -- by each plan's key (a join could read the plan lines whole).
    WITH oldest AS (
      SELECT p.tenant_id, p.routing_plan_id, p.waiting_since, p.plan_no FROM routing_plan p
       WHERE p.status = 'WAITING' ORDER BY p.waiting_since, p.plan_no LIMIT 10)
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'orderId', w.order_id, 'tenantOrderId', w.tenant_order_id,
               'article', w.tenant_article_id, 'quantity', w.quantity, 'reason', w.reason,
               'queuePosition', w.queue_position,
               'queueLength', (SELECT count(*) FROM routing_plan_line l
                                WHERE l.waiting AND l.tenant_id = w.tenant_id
                                  AND l.tenant_article_id = w.tenant_article_id),
               'waitingSeconds', extract(epoch FROM now() - w.waiting_since)::float8,
               'tenantId', w.tenant_id)
             ORDER BY o.waiting_since, o.plan_no, w.line_id), '[]')
      INTO oldest
      FROM waiting_room w
      JOIN oldest o ON o.tenant_id = w.tenant_id AND o.routing_plan_id = w.routing_plan_id
     -- Both filters reach the view's queues (its partition); the join keeps each plan's own.
     WHERE w.tenant_article_id = ANY (ARRAY(
             SELECT l.tenant_article_id FROM oldest x
              CROSS JOIN LATERAL (
                    SELECT l.tenant_article_id FROM routing_plan_line l
                     WHERE l.tenant_id = x.tenant_id AND l.routing_plan_id = x.routing_plan_id
                       AND l.waiting OFFSET 0) l))
       AND w.tenant_id = ANY (ARRAY(SELECT DISTINCT x.tenant_id FROM oldest x));

    -- Per subscription: outbox_backlog() for it alone (the pending partial index; the
    -- outbox_status view counts every delivered row: 2.9 s at 400,000 deliveries). A paused
    -- one shows no backlog: its deliveries are held, not late.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'subscription', x.subscription_id, 'kind', x.kind, 'active', x.active,
               'pending', x.pending, 'lagSeconds', x.lag_seconds, 'dead', x.dead)
             ORDER BY x.subscription_id), '[]')
      INTO subscriptions
      FROM (SELECT s.subscription_id, s.kind, s.active,
                   CASE WHEN s.active THEN b.pending END AS pending,
                   CASE WHEN s.active THEN b.oldest_pending_age END AS lag_seconds,
                   (SELECT count(*) FROM dead_letter d
                     WHERE d.subscription_id = s.subscription_id) AS dead
              FROM subscription s
             CROSS JOIN LATERAL outbox_backlog(false, s.subscription_id) b
             ORDER BY s.subscription_id LIMIT 50) x;

    -- The oldest 20 dead letters, without their payload.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'subscription', x.subscription_id, 'eventId', x.event_id, 'event', x.event,
               'attempts', x.attempts, 'lastError', x.last_error,
               'blockedEvents', x.blocked_events, 'ageSeconds', x.age_seconds,
               'tenantId', x.tenant_id)
             ORDER BY x.event_id), '[]')
      INTO dead_letters
      FROM (SELECT d.subscription_id, d.event_id, d.event, d.attempts, d.last_error,
                   d.blocked_events, extract(epoch FROM now() - d.created_at)::float8 AS age_seconds,
                   d.tenant_id
              FROM dead_letter d ORDER BY d.event_id LIMIT 20) x;

    RETURN jsonb_build_object('stats', tiles, 'serverTime', extract(epoch FROM now())::float8,
                              'oldest', oldest, 'subscriptions', subscriptions,
                              'deadLetters', dead_letters);
END $$;

-- The `articles` articles with the most waiting lines and why they wait, and the plans
-- released from and entering the waiting room per minute of the last hour, counted over the
-- newest `recent_events` events: dashboard.json's "articles", "reasons", "reasonsCoverLines"
-- and "releases".
CREATE FUNCTION dashboard_queues(articles int, recent_events int)
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    largest jsonb;
    largest_tenants text[];
    largest_ids text[];
    covered bigint;
    queues jsonb;
    releases jsonb;
BEGIN
    -- The articles with the most waiting lines: every waiting line, grouped by article (a
    -- tenant's article: the same article id in two tenants is two queues).
    SELECT coalesce(jsonb_agg(jsonb_build_object('article', q.tenant_article_id,
                                                 'lines', q.lines, 'quantity', q.quantity,
                                                 'tenantId', q.tenant_id)
                              ORDER BY q.lines DESC, q.tenant_article_id, q.tenant_id), '[]'),
           coalesce(array_agg(q.tenant_id), '{}'),
           coalesce(array_agg(q.tenant_article_id), '{}'), coalesce(sum(q.lines), 0)
      INTO largest, largest_tenants, largest_ids, covered
      FROM (SELECT l.tenant_id, l.tenant_article_id, count(*) AS lines, sum(l.quantity) AS quantity
              FROM routing_plan_line l WHERE l.waiting
             GROUP BY l.tenant_id, l.tenant_article_id
             ORDER BY count(*) DESC, l.tenant_article_id, l.tenant_id
             LIMIT articles) q;

    -- Why they wait: the view filtered by those articles (a GROUP BY of the whole view
    -- computes every queue: 10 s at 105,000 waiting lines), then by the (tenant, article)
    -- pairs themselves.
    WITH r AS MATERIALIZED (
      SELECT w.tenant_id, w.tenant_article_id, w.reason, count(*) AS lines,
             sum(w.quantity) AS quantity
        FROM waiting_room w
       WHERE w.tenant_article_id = ANY (largest_ids) AND w.tenant_id = ANY (largest_tenants)
         AND (w.tenant_id, w.tenant_article_id) IN (
               SELECT x.t, x.a FROM unnest(largest_tenants, largest_ids) AS x(t, a))
       GROUP BY 1, 2, 3)
    SELECT jsonb_build_object(
               'articles', (
                   SELECT coalesce(jsonb_agg(a.article || jsonb_build_object('reasons', (
                              SELECT coalesce(jsonb_object_agg(r.reason, r.lines), '{}')
                                FROM r WHERE r.tenant_id = a.article->>'tenantId'
                                         AND r.tenant_article_id = a.article->>'article'))
                            ORDER BY a.n), '[]')
                     FROM jsonb_array_elements(largest) WITH ORDINALITY a(article, n)),
               'reasons', (
                   SELECT coalesce(jsonb_agg(jsonb_build_object('reason', x.reason,
                                                                'lines', x.lines,
                                                                'quantity', x.quantity)
                                             ORDER BY x.reason COLLATE "C"), '[]')
                     FROM (SELECT r.reason, sum(r.lines) AS lines, sum(r.quantity) AS quantity
                             FROM r GROUP BY r.reason) x),
               'reasonsCoverLines', covered)
      INTO queues;

    -- Plans released from the waiting room (ROUTED by a REACTIVATION: a restock, a listing or
    -- facility change, release_due) and plans entering it, per minute of the last hour: the
    -- newest events only, backwards by the primary key.
    WITH recent AS MATERIALIZED (
      SELECT e.event, e.created_at,
             e.event = 'ROUTING_PLAN_ROUTED' AND e.payload->>'runType' = 'REACTIVATION'
                 AS released
        FROM event e ORDER BY e.event_id DESC LIMIT recent_events)
    SELECT jsonb_build_object(
               'limit', recent_events, 'scanned', coalesce(max(m.scanned), 0),
               'since', max(m.since),
               'minutes', coalesce(jsonb_agg(jsonb_build_object(
                              'minute', m.minute, 'released', m.released,
                              'entered', m.entered) ORDER BY m.minute), '[]'))
      INTO releases
      FROM (SELECT extract(epoch FROM date_trunc('minute', r.created_at))::bigint AS minute,
                   count(*) FILTER (WHERE r.released) AS released,
                   count(*) FILTER (WHERE r.event = 'ROUTING_PLAN_WAITING') AS entered,
                   (SELECT count(*) FROM recent) AS scanned,
                   (SELECT extract(epoch FROM min(x.created_at))::float8 FROM recent x) AS since
              FROM recent r
             WHERE r.created_at >= date_trunc('minute', now()) - interval '59 minutes'
             GROUP BY 1) m;

    RETURN queues || jsonb_build_object('releases', releases);
END $$;
