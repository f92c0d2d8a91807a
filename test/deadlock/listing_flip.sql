-- A listing switched INACTIVE or back ACTIVE.
\set f random(1, 4)
\set a random(1, 6)
UPDATE waitroom.listing
   SET status = CASE status WHEN 'ACTIVE' THEN 'INACTIVE' ELSE 'ACTIVE' END
 WHERE facility_ref = 'f' || :f AND tenant_article_id = 'a' || :a;
