-- A facility suspended, taken offline or back online (mostly online).
\set f random(1, 6)
\set s random(0, 5)
SELECT soak.run('facility_status', format('UPDATE waitroom.facility SET status = %L WHERE facility_ref = %L', CASE :s WHEN 0 THEN 'SUSPENDED' WHEN 1 THEN 'OFFLINE' ELSE 'ONLINE' END, 'f' || :f));
