-- A facility switched OFFLINE or back ONLINE.
\set f random(1, 4)
UPDATE waitroom.facility
   SET status = CASE status WHEN 'ONLINE' THEN 'OFFLINE' ELSE 'ONLINE' END
 WHERE facility_ref = 'f' || :f;
