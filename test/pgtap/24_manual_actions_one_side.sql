-- Issue 11: the manual actions on one side (C++), sharing one `lines` parser; one events
-- module, so every plan event carries the same keys wherever it comes from (a decision or a
-- cancel), and so does every pick job event.
BEGIN;
CREATE EXTENSION waitroom;
SELECT plan(25);

\ir lib/helpers.psql

INSERT INTO waitroom.facility (facility_ref) VALUES ('fa'), ('fb');
SELECT pg_temp.offer('fa', 'x', 10);
SELECT pg_temp.offer('fa', 'y', 1);
SELECT pg_temp.offer('fa', 'w', 0, 'BACKORDER');
UPDATE waitroom.routing_strategy SET use_waiting_room_for_pre_back_order_items = true;

-- ---------------------------------------------------------------- both actions are C functions
SELECT is((SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.oid = 'waitroom.cancel_order(uuid, jsonb)'::regprocedure),
          'c', 'cancel_order is C++, on the side of assign_facility (one side)');
SELECT ok((SELECT prosecdef FROM pg_proc WHERE oid = 'waitroom.cancel_order(uuid, jsonb)'::regprocedure),
          'and stays SECURITY DEFINER');

-- ---------------------------------------------------------------- one parser: same message, same SQLSTATE
-- W waits whole (w is backordered): its plan can be assigned and its order cancelled.
SELECT pg_temp.place_one('W', NULL, 'w', 2);
CREATE TEMP TABLE bad_lines (v text, why text);
INSERT INTO bad_lines VALUES
  ('{}', 'not an array'), ('[]', 'empty'), ('[1]', 'an entry that is not an object'),
  ('[{"quantity": 1}]', 'no lineId'), ('[{"lineId": 1, "quantity": 1}]', 'a numeric lineId'),
  ('[{"lineId": "1"}]', 'no quantity'), ('[{"lineId": "1", "quantity": 0}]', 'quantity 0'),
  ('[{"lineId": "1", "quantity": 2.5}]', 'quantity 2.5'), ('[{"lineId": "1", "quantity": 1e400}]', 'quantity 1e400'),
  ('[{"lineId": "1", "quantity": "1"}]', 'a quantity string'),
  ('[{"lineId": "1", "quantity": 1}, {"lineId": "1", "quantity": 1}]', 'a lineId given twice');
SELECT is((SELECT string_agg(b.why, ', ') FROM bad_lines b
            WHERE pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('W'), b.v))
                  IS DISTINCT FROM
                  pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.root_plan('W'), 'fb', b.v))),
          NULL, 'every malformed `lines`: cancel_order and assign_facility raise the same SQLSTATE and message');
SELECT is((SELECT string_agg(b.why, ', ') FROM bad_lines b
            WHERE pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('W'), b.v)) NOT LIKE '22023: lines%'),
          NULL, 'each is 22023 naming `lines`');
SELECT is(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('W'), '[{"lineId": "1", "quantity": 1e400}]')),
          '22023: lines[0].quantity is beyond int range', 'the message names the entry and field: lines[0].quantity');
-- Unknown line and too much: the same words, each naming what it selects from.
SELECT is(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('W'), '[{"lineId": "9", "quantity": 1}]')),
          format('22023: lines[0].lineId "9" is not a line of order %s', pg_temp.order_of('W')), 'cancel: an unknown lineId');
SELECT is(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.root_plan('W'), 'fb', '[{"lineId": "9", "quantity": 1}]')),
          format('22023: lines[0].lineId "9" is not a line of plan %s', pg_temp.root_plan('W')), 'assign: an unknown lineId');
SELECT is(pg_temp.error_of(format('SELECT waitroom.cancel_order(%L, %L)', pg_temp.order_of('W'), '[{"lineId": "1", "quantity": 3}]')),
          format('22023: lines[0].quantity 3 of lineId "1" is more than the 2 left in order %s', pg_temp.order_of('W')),
          'cancel: more than is left of the line');
SELECT is(pg_temp.error_of(format('SELECT waitroom.assign_facility(%L, %L, %L)', pg_temp.root_plan('W'), 'fb', '[{"lineId": "1", "quantity": 3}]')),
          format('22023: lines[0].quantity 3 of lineId "1" is more than the 2 left in plan %s', pg_temp.root_plan('W')),
          'assign: more than the plan holds of the line');
SELECT is(pg_temp.line_state('W'), '1:0/0/2/0/0', 'the rejected calls changed nothing');

-- ---------------------------------------------------------------- plan events: one key set
-- P: x routed and y short at fa (SPEC §3 rule 2), w waiting (split), z nowhere.
SELECT pg_temp.place_many('P', NULL, '[{"id": "1", "tenantArticleId": "x", "quantity": 2},
                                      {"id": "2", "tenantArticleId": "y", "quantity": 3},
                                      {"id": "3", "tenantArticleId": "w", "quantity": 1}]');
SELECT pg_temp.place_one('Z', NULL, 'z', 1);
SELECT pg_temp.mark('cancel-p');
SELECT waitroom.cancel_order(pg_temp.order_of('P'));
SELECT waitroom.cancel_order(pg_temp.order_of('Z'));
SELECT waitroom.cancel_order(pg_temp.order_of('W'), '[{"lineId": "1", "quantity": 2}]');
CREATE TEMP TABLE plan_events AS
  SELECT e.event_id, e.event, e.payload FROM waitroom.event e
   WHERE e.event IN ('ROUTING_PLAN_ROUTED', 'ROUTING_PLAN_WAITING', 'ROUTING_PLAN_NOT_ROUTABLE', 'ROUTING_PLAN_CANCELLED');
CREATE FUNCTION pg_temp.keys(j jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(j) k $$;
SELECT is((SELECT array_agg(DISTINCT event ORDER BY event) FROM plan_events),
          '{ROUTING_PLAN_CANCELLED,ROUTING_PLAN_NOT_ROUTABLE,ROUTING_PLAN_ROUTED,ROUTING_PLAN_WAITING}',
          'the fixture writes every kind of plan event');
SELECT is((SELECT array_agg(DISTINCT pg_temp.keys(payload)) FROM plan_events),
          '{"decidedBy,facilityRef,lines,orderId,parentRoutingPlanId,routingPlanId,runType,status,tenantId,tenantOrderId"}',
          'every plan event, decided or cancelled, carries the same keys');
SELECT is((SELECT array_agg(DISTINCT pg_temp.keys(l)) FROM plan_events, jsonb_array_elements(payload->'lines') l),
          '{"lineId,quantity,shortQuantity,tenantArticleId"}', 'and the same keys per line');
SELECT is((SELECT count(*) FROM plan_events e JOIN waitroom.routing_plan p ON p.routing_plan_id = (e.payload->>'routingPlanId')::uuid
            WHERE e.payload->>'status' <> substr(e.event, 14)
               OR (e.payload->>'parentRoutingPlanId')::uuid IS DISTINCT FROM p.parent_routing_plan_id
               OR e.payload->>'runType' IS DISTINCT FROM p.run_type),
          0::bigint, 'status, parentRoutingPlanId and runType are the plan''s');

-- What a cancelled plan's event says: what it held until the cancel, who cancelled it.
SELECT is((SELECT string_agg(format('%s@%s:%s', e.payload->>'status', coalesce(e.payload->>'facilityRef', '-'),
                                    (SELECT string_agg(format('%s=%s/%s', l->>'lineId', l->>'quantity', l->>'shortQuantity'), ' ')
                                       FROM jsonb_array_elements(e.payload->'lines') l)), ' | ' ORDER BY e.event_id)
             FROM plan_events e WHERE e.event = 'ROUTING_PLAN_CANCELLED' AND (e.payload->>'orderId')::uuid = pg_temp.order_of('P')),
          'CANCELLED@fa:1=2/0 2=3/2 | CANCELLED@-:3=1/0',
          'P''s cancelled plans list the lines they held (quantity = picked + short, shortQuantity)');
SELECT is((SELECT array_agg(DISTINCT e.payload->>'decidedBy') FROM plan_events e WHERE e.event = 'ROUTING_PLAN_CANCELLED'),
          '{cancel_order}', 'decidedBy of a cancelled plan: cancel_order');
SELECT is((SELECT array_agg(DISTINCT e.payload->>'runType') FROM plan_events e
            WHERE e.event = 'ROUTING_PLAN_CANCELLED' AND (e.payload->>'orderId')::uuid = pg_temp.order_of('P')),
          '{DEFAULT}', 'runType of a cancelled plan: the run that made it');
SELECT is((SELECT count(*) FROM plan_events e JOIN waitroom.routing_plan p ON p.routing_plan_id = (e.payload->>'routingPlanId')::uuid
            WHERE e.event = 'ROUTING_PLAN_CANCELLED' AND p.decided_by IS DISTINCT FROM e.payload->>'decidedBy'),
          0::bigint, 'the plan row says who decided it, as its event does');

-- ---------------------------------------------------------------- pick job events: one key set
SELECT is((SELECT array_agg(DISTINCT event || ':' || pg_temp.keys(payload) ORDER BY event || ':' || pg_temp.keys(payload))
             FROM waitroom.event WHERE event IN ('PICK_JOB_CREATED', 'PICK_JOB_CANCELLED')),
          '{"PICK_JOB_CANCELLED:facilityRef,orderId,pickJobId,pickLines,routingPlanId,subStatus,tenantId,tenantOrderId","PICK_JOB_CREATED:facilityRef,orderId,pickJobId,pickLines,routingPlanId,subStatus,tenantId,tenantOrderId"}',
          'PICK_JOB_CREATED and PICK_JOB_CANCELLED carry the same keys');
SELECT is((SELECT e.payload->'pickLines' FROM waitroom.event e
            WHERE e.event = 'PICK_JOB_CANCELLED' AND (e.payload->>'orderId')::uuid = pg_temp.order_of('P')),
          (SELECT e.payload->'pickLines' FROM waitroom.event e
            WHERE e.event = 'PICK_JOB_CREATED' AND (e.payload->>'orderId')::uuid = pg_temp.order_of('P')),
          'a cancelled pick job lists the lines it had');
SELECT is((SELECT e.payload->>'subStatus' FROM waitroom.event e
            WHERE e.event = 'PICK_JOB_CANCELLED' AND (e.payload->>'orderId')::uuid = pg_temp.order_of('P')),
          'SHORT_PICKED', 'and its sub status');

-- ---------------------------------------------------------------- order events, unchanged
SELECT is(pg_temp.events_since('cancel-p'),
          '{ROUTING_PLAN_CANCELLED,ROUTING_PLAN_CANCELLED,PICK_JOB_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_CANCELLED,ORDER_CANCELLED,ROUTING_PLAN_CANCELLED,ORDER_CANCELLED}',
          'each cancel writes its plans'' events, its pick jobs'', then the order''s');
SELECT is((SELECT payload FROM waitroom.event WHERE event = 'ORDER_CANCELLED' AND (payload->>'orderId')::uuid = pg_temp.order_of('P')),
          jsonb_build_object('orderId', pg_temp.order_of('P'), 'tenantId', 'default', 'tenantOrderId', 'P', 'lines',
            '[{"lineId": "1", "tenantArticleId": "x", "quantity": 2}, {"lineId": "2", "tenantArticleId": "y", "quantity": 3},
              {"lineId": "3", "tenantArticleId": "w", "quantity": 1}]'::jsonb),
          'ORDER_CANCELLED lists every line cancelled, in line order');
SELECT is((pg_temp.reserved('fa', 'x'), pg_temp.reserved('fa', 'y')), (0, 0), 'the cancels released every reservation');

SELECT is_empty('SELECT * FROM waitroom.check_invariants()', 'invariants hold');

SELECT * FROM finish();
ROLLBACK;
