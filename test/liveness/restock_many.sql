-- An import that restocks one article at every facility in one statement (rows in key
-- order, as an import would send them; one trigger pass for the statement).
\set a random(1, 6)
UPDATE waitroom.stock s SET on_hand = s.on_hand + 1
  FROM (SELECT facility_ref FROM waitroom.stock WHERE tenant_article_id = 'a' || :a
         ORDER BY facility_ref FOR NO KEY UPDATE) k
 WHERE s.facility_ref = k.facility_ref AND s.tenant_article_id = 'a' || :a;
