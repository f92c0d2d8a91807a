-- A switch of the waiting room's fill order.
\set m random(1, 3)
UPDATE waitroom.routing_strategy
   SET waiting_room_priority = (ARRAY['FIFO', 'STRICT_FIFO', 'PRIORITY'])[:m];
