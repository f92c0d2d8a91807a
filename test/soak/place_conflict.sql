-- The same tenantOrderId with another body: 23505 while the first is OPEN (SPEC §6).
\set n random(1, :orders)
SELECT soak.run('place_order_other_body', format('SELECT waitroom.place_order(%L)', soak.order_body(:n, 9)));
