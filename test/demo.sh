#!/usr/bin/env bash
# The demo: a throwaway cluster, a small facility network, orders that wait in the waiting
# room, a restock, and who was served first and why; waitroomd publishes the events.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/install-deps.sh
make -s -j2 >/dev/null && make -s install >/dev/null
if [ -f service/CMakeLists.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && \
    cmake --build build -j2 --target waitroomd >/dev/null 2>&1 || true
fi
source test/lib/cluster.sh
wr_cluster_start
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
q() { wr_psql -P pager=off -c "$1"; }

say "CREATE EXTENSION waitroom; a network of three facilities"
wr_psql -c "CREATE EXTENSION waitroom" >/dev/null
wr_psql >/dev/null <<'SQL'
INSERT INTO waitroom.facility (facility_ref, name, lat, lon) VALUES
  ('berlin', 'Berlin DC', 52.52, 13.40), ('hamburg', 'Hamburg store', 53.55, 9.99),
  ('munich', 'Munich DC', 48.14, 11.58);
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour) VALUES
  ('berlin', 'sneaker-42', 'BACKORDER'), ('munich', 'sneaker-42', 'BACKORDER'),
  ('berlin', 'socks', 'NONE'), ('hamburg', 'socks', 'NONE'), ('munich', 'socks', 'NONE');
INSERT INTO waitroom.listing (facility_ref, tenant_article_id, out_of_stock_behaviour, preorder_available_from)
  VALUES ('berlin', 'console-x', 'PREORDER', now() + interval '1 day');
INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES
  ('berlin', 'socks', 10), ('hamburg', 'socks', 4), ('berlin', 'console-x', 5);
-- The merchant chooses who is served first: VIP orders (higher priority) before others.
UPDATE waitroom.routing_strategy SET waiting_room_priority = 'PRIORITY';
SQL
q "SELECT * FROM waitroom.routing_strategy"

say "Orders arrive: sneakers are sold out (backorderable), the console is a pre-order"
for o in \
  '{"tenantOrderId":"A-1001","orderDate":"2026-11-20T09:00:00Z","consumer":{"lat":52.5,"lon":13.4},"orderLineItems":[{"tenantArticleId":"sneaker-42","quantity":1},{"tenantArticleId":"socks","quantity":2}]}' \
  '{"tenantOrderId":"A-1002","orderDate":"2026-11-20T10:00:00Z","orderLineItems":[{"tenantArticleId":"sneaker-42","quantity":2}]}' \
  '{"tenantOrderId":"A-1003","orderDate":"2026-11-20T11:00:00Z","priority":10,"orderLineItems":[{"tenantArticleId":"sneaker-42","quantity":1}]}' \
  '{"tenantOrderId":"A-1004","orderDate":"2026-11-20T12:00:00Z","orderLineItems":[{"tenantArticleId":"console-x","quantity":1}]}'; do
  wr_psql -At -c "SELECT format('%s -> %s', r->>'tenantOrderId', (SELECT string_agg(p->>'status' || coalesce(' @' || (p->>'facilityRef'), ''), ', ') FROM jsonb_array_elements(r->'routingPlans') p)) FROM waitroom.place_order('$o'::jsonb) r"
done

say "The waiting room (what waits, why, and who is next per article)"
q "SELECT tenant_order_id, tenant_article_id, quantity, reason, queue_position FROM waitroom.waiting_room ORDER BY tenant_article_id, queue_position"

say "Why does A-1002 wait? waitroom.explain(order_id): the decision log stored when it was routed"
explain="waitroom.explain((SELECT order_id FROM waitroom.orders WHERE tenant_order_id = 'A-1002'))"
q "SELECT p->>'status' AS status, p->>'decidedBy' AS decided_by, p->'decision'->>'why' AS why
     FROM jsonb_array_elements($explain->'routingPlans') p"
q "SELECT f->>'facilityRef' AS facility, f->>'status' AS status, a->>'tenantArticleId' AS article,
          a->'listing'->>'kind' AS listing, a->>'check' AS rule_check, (a->>'needed')::int AS needed,
          (a->>'onHand')::int AS on_hand, (a->>'available')::int AS available
     FROM jsonb_path_query($explain, '\$.routingPlans[*].decision.facilities[*]') f,
          jsonb_array_elements(f->'articles') a ORDER BY 1"

say "3 sneakers arrive in Munich: one UPDATE, the trigger releases waiting orders in priority order"
q "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, on_hand) VALUES ('munich', 'sneaker-42', 3)"
say "Served in this order (PRIORITY: higher priority first, then oldest order first)"
q "SELECT row_number() OVER (ORDER BY e.event_id) AS served, o.tenant_order_id, o.priority, o.order_date, e.payload->>'facilityRef' AS facility,
          e.payload->>'decidedBy' AS decided_by
     FROM waitroom.event e JOIN waitroom.orders o ON o.order_id = e.order_id
    WHERE e.event = 'ROUTING_PLAN_ROUTED' AND e.payload->>'runType' = 'REACTIVATION' ORDER BY e.event_id"
say "Still waiting"
q "SELECT tenant_order_id, tenant_article_id, quantity, reason, queue_position FROM waitroom.waiting_room"

say "The pre-order's release time comes (release_due, normally on waitroomd's timer)"
q "SELECT waitroom.release_due(now() + interval '2 days') AS plans_released"
q "SELECT o.tenant_order_id, p.status, p.facility_ref FROM waitroom.routing_plan p JOIN waitroom.orders o USING (order_id) WHERE o.tenant_order_id = 'A-1004'"

say "Events in the outbox, published by waitroomd as JSON lines"
if [ -x build/service/waitroomd ]; then
  timeout 5 build/service/waitroomd --http-port 0 2>/dev/null || true
else
  q "SELECT event_id, event, payload->>'tenantOrderId' AS tenant_order_id, payload->>'facilityRef' AS facility FROM waitroom.event ORDER BY event_id"
fi
