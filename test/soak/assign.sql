-- assign_facility of a WAITING or NOT_ROUTABLE plan, whole or line 1 only (routed meanwhile:
-- 55000; a bundle split or a line the plan does not hold: 22023).
\set n random(1, 4000)
\set f random(1, 6)
\set whole random(0, 1)
SELECT soak.run('assign_facility', (SELECT format('SELECT waitroom.assign_facility(%L, %L, %L)', p, 'f' || :f, CASE WHEN :whole = 0 THEN '[{"lineId": "1", "quantity": 1}]' END) FROM soak.unrouted_plan(:n) p WHERE p IS NOT NULL));
