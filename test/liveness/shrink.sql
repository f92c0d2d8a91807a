-- A stock correction downwards that never goes below what is reserved (a count of the
-- unreserved shelf stock), so reserved <= on_hand stays an invariant to assert.
\set f random(1, 4)
\set a random(1, 6)
\set q random(1, 2)
UPDATE waitroom.stock SET on_hand = greatest(reserved, on_hand - :q)
 WHERE facility_ref = 'f' || :f AND tenant_article_id = 'a' || :a;
