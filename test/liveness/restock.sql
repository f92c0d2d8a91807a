-- A restock of one stock row (on_hand only ever rises, so reserved <= on_hand must hold).
\set f random(1, 4)
\set a random(1, 6)
\set q random(1, 3)
UPDATE waitroom.stock SET on_hand = on_hand + :q
 WHERE facility_ref = 'f' || :f AND tenant_article_id = 'a' || :a;
