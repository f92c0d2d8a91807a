\set f random(1, 20)
\set a random(1, 500)
UPDATE waitroom.stock SET on_hand = on_hand + 1
 WHERE facility_ref = 'fc-' || :f AND tenant_article_id = 'sku-' || :a;
