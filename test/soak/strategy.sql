-- The merchant switches the queue order. Leaving STRICT_FIFO frees what it held back for
-- earlier plans, and no trigger re-routes on a strategy change, so the DBA re-routes in the
-- same transaction.
\set s random(1, 3)
BEGIN;
SELECT soak.run('strategy', format('UPDATE waitroom.routing_strategy SET waiting_room_priority = %L', (ARRAY['FIFO', 'STRICT_FIFO', 'PRIORITY'])[:s]));
SELECT soak.run('strategy_reroute_all', 'SELECT waitroom.reroute_all()');
COMMIT;
