-- The waiting room's queue and what the router may use, one definition each (issue 11): the
-- pass, the batch, the decision (STRICT_FIFO's held-back quantity), reroute and the
-- waiting_room view all read these functions.
-- Their statements are planned once, generic, as the C module plans its own (spi.cpp): a
-- custom plan per call (the default for an array argument) cost more to plan than to run
-- (bench/queue_sql.sh).

-- Every function here is of one tenant (its first argument, SPEC §7): each table it reads is
-- filtered by that tenant, so on Citus each runs on the tenant's node alone.

-- Candidate offers of some articles (SPEC §3): the facility is ONLINE and its listing ACTIVE.
-- `available` = max(on_hand - reserved, 0), 0 for a PREORDER listing not released by `at`
-- (the router computes the same from these columns: extension/core/router_model.cpp).
-- on_hand and reserved are NULL where the listing has no stock row.
-- Both sides are read by = ANY of the articles (the repeated filter on stock lets its article
-- index drive that side of the join), so the cost follows the articles, never the size of
-- stock: a join on the listing's key alone let the generic plan hash-join a sequential scan of
-- all of stock (18 ms at 100,000 rows), and a per-article LATERAL probe cost 21k instructions
-- a row.
CREATE FUNCTION candidate_offer(tenant_id text, articles text[], at timestamptz DEFAULT now())
RETURNS TABLE (facility_ref text, tenant_article_id text, out_of_stock_behaviour text,
               preorder_available_from timestamptz, on_hand int, reserved int, available int,
               preorder_pending bool, lat double precision, lon double precision)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT x.facility_ref, x.tenant_article_id, x.out_of_stock_behaviour, x.preorder_available_from,
           x.on_hand, x.reserved,
           CASE WHEN x.pending THEN 0 ELSE greatest(coalesce(x.on_hand - x.reserved, 0), 0) END,
           x.pending, x.lat, x.lon
      FROM (SELECT l.facility_ref, l.tenant_article_id, l.out_of_stock_behaviour,
                   l.preorder_available_from, s.on_hand, s.reserved, f.lat, f.lon,
                   coalesce(l.out_of_stock_behaviour = 'PREORDER'
                            AND l.preorder_available_from > candidate_offer.at, false) AS pending
              FROM listing l
              JOIN facility f
                ON f.tenant_id = candidate_offer.tenant_id AND f.facility_ref = l.facility_ref
              LEFT JOIN stock s
                     ON s.tenant_id = candidate_offer.tenant_id
                    AND s.facility_ref = l.facility_ref AND s.tenant_article_id = l.tenant_article_id
                    AND s.tenant_article_id = ANY (articles)
             WHERE l.tenant_id = candidate_offer.tenant_id
               AND l.tenant_article_id = ANY (articles)
               AND l.status = 'ACTIVE' AND f.status = 'ONLINE') x;
END $$;

-- The queue (SPEC §4 waiting_room_priority): PRIORITY serves higher `priority` first; then,
-- and in FIFO and STRICT_FIFO, the older order_date, then the older plan (plan_no). This is
-- the one place that orders it.
-- Rows: every waiting line of `articles` (in WAITING plans), with `queue_rank` (1 = served
-- first; a plan's lines share its rank) and `ahead`, the quantity of its article waiting in
-- plans ahead of its plan: STRICT_FIFO holds that much back from a decision (a later one may
-- use only what is available minus it). Probe rows (probe true, quantity 0) rank other plans:
-- one per article (article NULL without articles) for each of `probe_plan_ids` (a plan being
-- re-routed, waiting or NOT_ROUTABLE) and for a new plan of `probe_order_id` (routing_plan_id
-- NULL), which queues by its order's date behind the plans of that date.
-- Each article's waiting lines come from the partial index, each plan and order by its key:
-- the cost follows those articles' queues, not the size of the waiting room.
CREATE FUNCTION waiting_queue(tenant_id text, articles text[], probe_plan_ids uuid[] DEFAULT NULL,
                              probe_order_id uuid DEFAULT NULL)
RETURNS TABLE (tenant_article_id text, routing_plan_id uuid, line_id text, quantity int,
               queue_rank bigint, ahead bigint, probe bool)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT r.article, r.routing_plan_id, r.line_id, r.quantity, r.queue_rank,
           -- Up to and including its plan, less its plan's own lines (one sort for both; a
           -- frame EXCLUDE GROUP would sum the frame again for every row: quadratic).
           (coalesce(sum(r.quantity) OVER (PARTITION BY r.article ORDER BY r.queue_rank), 0)
            - coalesce(sum(r.quantity) OVER (PARTITION BY r.article, r.queue_rank), 0))::bigint,
           r.probe
      FROM (SELECT e.*,
                   -- No strategy row: the defaults (FIFO).
                   dense_rank() OVER (ORDER BY CASE WHEN (SELECT s.waiting_room_priority = 'PRIORITY'
                                                            FROM routing_strategy s
                                                           WHERE s.tenant_id = waiting_queue.tenant_id)
                                                      THEN e.priority END DESC NULLS LAST,
                                               e.order_date, e.plan_no NULLS LAST) AS queue_rank
              FROM (SELECT a.article, w.routing_plan_id, w.line_id, w.quantity, w.priority,
                           w.order_date, w.plan_no, false AS probe
                      FROM unnest(articles) AS a(article)
                     CROSS JOIN LATERAL (
                           SELECT l.routing_plan_id, l.line_id, l.quantity, o.priority,
                                  o.order_date, p.plan_no
                             FROM routing_plan_line l
                             -- Each line's plan by its key, the status tested after: a join
                             -- with "p.status = 'WAITING'" let the generic plan, without
                             -- statistics, read every waiting plan of the tenant (the partial
                             -- index routing_plan_unrouted) again for each line (31 s for one
                             -- strategy change at 20,000 waiting plans).
                            CROSS JOIN LATERAL (
                                  SELECT p.plan_no, p.order_id, p.status
                                    FROM routing_plan p
                                   WHERE p.tenant_id = waiting_queue.tenant_id
                                     AND p.routing_plan_id = l.routing_plan_id OFFSET 0) p
                             JOIN orders o
                               ON o.tenant_id = waiting_queue.tenant_id AND o.order_id = p.order_id
                            WHERE l.waiting AND l.tenant_id = waiting_queue.tenant_id
                              AND l.tenant_article_id = a.article
                              AND p.status = 'WAITING' OFFSET 0) w
                    UNION ALL
                    SELECT a.article, k.routing_plan_id, NULL, 0, k.priority, k.order_date,
                           k.plan_no, true
                      FROM (SELECT p.routing_plan_id, o.priority, o.order_date, p.plan_no
                              FROM unnest(probe_plan_ids) AS x(id)
                             CROSS JOIN LATERAL (
                                   SELECT p.routing_plan_id, p.plan_no, p.order_id
                                     FROM routing_plan p
                                    WHERE p.tenant_id = waiting_queue.tenant_id
                                      AND p.routing_plan_id = x.id OFFSET 0) p
                              JOIN orders o
                                ON o.tenant_id = waiting_queue.tenant_id AND o.order_id = p.order_id
                            UNION ALL
                            SELECT NULL, o.priority, o.order_date, NULL
                              FROM orders o
                             WHERE o.tenant_id = waiting_queue.tenant_id
                               AND o.order_id = probe_order_id) k
                      LEFT JOIN LATERAL unnest(articles) AS a(article) ON true) e) r;
END $$;

-- Pre-orders due by `at` (SPEC §4, release_due): articles with a waiting line and an ACTIVE
-- PREORDER listing whose preorder_available_from has come.
CREATE FUNCTION due_preorder_articles(tenant_id text, at timestamptz) RETURNS SETOF text
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT DISTINCT l.tenant_article_id
      FROM routing_plan_line l
      JOIN listing li
        ON li.tenant_id = due_preorder_articles.tenant_id
       AND li.tenant_article_id = l.tenant_article_id
     WHERE l.waiting AND l.tenant_id = due_preorder_articles.tenant_id
       AND li.out_of_stock_behaviour = 'PREORDER' AND li.status = 'ACTIVE'
       AND li.preorder_available_from <= due_preorder_articles.at;
END $$;

-- What reroute(order_id) and reroute_all() (order_id NULL) re-route: every WAITING and
-- NOT_ROUTABLE plan of the tenant (of the order), ranked in queue order.
CREATE FUNCTION unrouted_plans(tenant_id text, order_id uuid)
RETURNS TABLE (routing_plan_id uuid, queue_rank bigint)
LANGUAGE plpgsql STABLE SET search_path = waitroom, pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    ids uuid[];
BEGIN
    IF unrouted_plans.order_id IS NULL THEN  -- the partial index of unrouted plans
        ids := ARRAY(SELECT p.routing_plan_id FROM routing_plan p
                      WHERE p.tenant_id = unrouted_plans.tenant_id
                        AND p.status IN ('WAITING', 'NOT_ROUTABLE'));
    ELSE  -- the order's plans by its index
        ids := ARRAY(SELECT p.routing_plan_id FROM routing_plan p
                      WHERE p.tenant_id = unrouted_plans.tenant_id
                        AND p.order_id = unrouted_plans.order_id
                        AND p.status IN ('WAITING', 'NOT_ROUTABLE'));
    END IF;
    RETURN QUERY SELECT q.routing_plan_id, q.queue_rank
                   FROM waiting_queue(unrouted_plans.tenant_id, NULL, ids) q;
END $$;

-- One row per waiting line, with why it waits and its place in the queue for its article (of
-- its tenant: the queue's partition is (tenant_id, tenant_article_id), SPEC §7).
-- The reason follows what the router does (SPEC §3): a line (a unit) is served by one
-- candidate facility, so it waits for stock while no candidate has its quantity available;
-- under STRICT_FIFO it is queued while the article's total available, less what waits ahead
-- of its plan, is short of it. A filter on tenant_article_id (and tenant_id) reaches the
-- indexes; any other filter still computes the queues of every waiting article.
-- On Citus (SPEC §7) the view is planned by the coordinator, so its shape follows what Citus
-- can plan: qa, the queued lines with their article's availability, calls waiting_queue() and
-- candidate_offer(), which read the tables themselves and so must run on the coordinator,
-- never inside a query pushed to a shard ("cannot execute a distributed query from a query on
-- a shard"). The empty UNION ALL legs make Citus compute each one's input first (the waiting
-- articles, then qa, as subplans, before and so without the view's filter: there every query
-- of the view computes every waiting article's queue); on one node the planner drops them
-- (One-Time Filter: false) and the filter still reaches the waiting lines' index. x then
-- reads each line's plan, order, order line and strategy by their keys, joined on tenant_id
-- (one shard per tenant on Citus; no OFFSET fence: Citus refuses one in a lateral subquery).
CREATE VIEW waiting_room AS
SELECT x.order_id, x.tenant_order_id, qa.routing_plan_id, qa.line_id, qa.tenant_article_id,
       qa.quantity,
       CASE
           WHEN coalesce(qa.best, 0) < qa.quantity AND coalesce(qa.preorder_pending, false)
               THEN 'PREORDER_NOT_RELEASED'
           WHEN coalesce(qa.best, 0) < qa.quantity THEN 'BACKORDER_NO_STOCK'
           WHEN x.waiting_room_priority = 'STRICT_FIFO' AND coalesce(qa.total, 0) - qa.ahead < qa.quantity
               THEN 'QUEUED_BEHIND_EARLIER_ORDERS'
           WHEN x.bundle_ref IS NOT NULL THEN 'BUNDLE_INCOMPLETE'
           ELSE 'WAITING_FOR_OTHER_ITEMS'
       END AS reason,
       x.waiting_since, qa.preorder_available_from,
       row_number() OVER (PARTITION BY qa.tenant_id, qa.tenant_article_id
                          ORDER BY qa.queue_rank, x.position)
           AS queue_position,
       qa.tenant_id
  FROM (SELECT wa.tenant_id, wa.tenant_article_id, q.routing_plan_id, q.line_id, q.quantity,
               q.queue_rank, q.ahead, a.best, a.total, a.preorder_pending, a.preorder_available_from
          FROM (SELECT DISTINCT w.tenant_id, w.tenant_article_id FROM routing_plan_line w WHERE w.waiting
                UNION ALL
                SELECT NULL, NULL WHERE false) wa
         CROSS JOIN LATERAL waiting_queue(wa.tenant_id, ARRAY[wa.tenant_article_id]) q
         CROSS JOIN LATERAL (
               SELECT max(c.available) AS best, sum(c.available) AS total,
                      bool_or(c.preorder_pending) AS preorder_pending,
                      min(c.preorder_available_from) FILTER (WHERE c.out_of_stock_behaviour = 'PREORDER')
                          AS preorder_available_from
                 FROM candidate_offer(wa.tenant_id, ARRAY[wa.tenant_article_id], now()) c) a
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE false) qa
 -- Each line's plan, order and order line by their keys; no strategy row: the defaults (FIFO).
 CROSS JOIN LATERAL (
       SELECT p.order_id, p.waiting_since, o.tenant_order_id, ol.position, ol.bundle_ref,
              st.waiting_room_priority
         FROM routing_plan p
         JOIN orders o ON o.tenant_id = p.tenant_id AND o.order_id = p.order_id
         JOIN order_line ol
           ON ol.tenant_id = p.tenant_id AND ol.order_id = p.order_id AND ol.line_id = qa.line_id
         LEFT JOIN routing_strategy st ON st.tenant_id = p.tenant_id
        WHERE p.tenant_id = qa.tenant_id AND p.routing_plan_id = qa.routing_plan_id) x;
