-- place_order of order number n: a retry of a number already placed is the same body (a safe
-- retry; a new order once the earlier one is cancelled).
\set n random(1, :orders)
SELECT soak.run('place_order', format('SELECT waitroom.place_order(%L)', soak.order_body(:n)));
