-- The merchant switches the queue order. The change serves the waiting room under the new
-- order itself (trigger strategy_changed), after every decision made under the old one.
\set s random(1, 3)
SELECT soak.run('strategy', format('UPDATE waitroom.routing_strategy SET waiting_room_priority = %L', (ARRAY['FIFO', 'STRICT_FIFO', 'PRIORITY'])[:s]));
