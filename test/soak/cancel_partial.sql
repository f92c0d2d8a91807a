-- Cancel 1 of line 1 of an open order (nothing left of it: 22023; cancelled meanwhile: 55000).
\set n random(1, :orders)
SELECT soak.run('cancel_order_lines', (SELECT format('SELECT waitroom.cancel_order(%L, %L)', o, '[{"lineId": "1", "quantity": 1}]') FROM soak.open_order(:n) o WHERE o IS NOT NULL));
