-- waitroomd dashboard (issue 12): the grants of 95_privileges.sql's "waitroomd dashboard" block.
-- The page on waitroomd's HTTP port (docs/dashboard.md) reads over a read-only session of its
-- own: stats, the waiting_room view for the largest and the oldest queues, the subscriptions'
-- backlog (outbox_backlog() per subscription) and dead letters (without payload), and the recent
-- events for releases over time. The view calls waiting_queue() and candidate_offer() as its
-- reader, so the columns those read are granted too, and only those: no customer data (orders'
-- request and location, order lines), no subscription url, secret or headers.
GRANT SELECT ON waitroom.stats, waitroom.waiting_room TO waitroom_daemon;
GRANT SELECT (subscription_id, event_id, event, attempts, last_error, created_at, blocked_events)
    ON waitroom.dead_letter TO waitroom_daemon;
GRANT SELECT (subscription_id, kind, active) ON waitroom.subscription TO waitroom_daemon;
GRANT SELECT (event_id, event, payload, created_at) ON waitroom.event TO waitroom_daemon;
GRANT EXECUTE ON FUNCTION waitroom.candidate_offer(text[], timestamptz),
    waitroom.waiting_queue(text[], uuid[], uuid)
    TO waitroom_daemon;
GRANT SELECT (routing_plan_id, order_id, status, plan_no, waiting_since)
    ON waitroom.routing_plan TO waitroom_daemon;
GRANT SELECT (routing_plan_id, line_id, tenant_article_id, quantity, waiting)
    ON waitroom.routing_plan_line TO waitroom_daemon;
GRANT SELECT (order_id, priority, order_date) ON waitroom.orders TO waitroom_daemon;
GRANT SELECT (waiting_room_priority) ON waitroom.routing_strategy TO waitroom_daemon;
GRANT SELECT (facility_ref, tenant_article_id, status, out_of_stock_behaviour,
              preorder_available_from) ON waitroom.listing TO waitroom_daemon;
GRANT SELECT (facility_ref, status, lat, lon) ON waitroom.facility TO waitroom_daemon;
GRANT SELECT (facility_ref, tenant_article_id, on_hand, reserved) ON waitroom.stock
    TO waitroom_daemon;
