-- A new routing decision for an open order's WAITING and NOT_ROUTABLE plans.
\set n random(1, :orders)
SELECT soak.run('reroute', (SELECT format('SELECT waitroom.reroute(%L)', o) FROM soak.open_order(:n) o WHERE o IS NOT NULL));
