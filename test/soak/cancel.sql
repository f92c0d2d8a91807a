-- Cancel a whole open order (another client may have cancelled it first: 55000).
\set n random(1, :orders)
SELECT soak.run('cancel_order', (SELECT format('SELECT waitroom.cancel_order(%L)', o) FROM soak.open_order(:n) o WHERE o IS NOT NULL));
