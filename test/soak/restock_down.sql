-- A count correction downwards that never goes below what is reserved (shelf stock only).
\set f random(1, 6)
\set a random(1, 24)
\set q random(1, 3)
SELECT soak.run('restock_down', format('UPDATE waitroom.stock SET on_hand = greatest(reserved, on_hand - %s) WHERE facility_ref = %L AND tenant_article_id = %L', :q, 'f' || :f, format('a%s', lpad(:a::text, 2, '0'))));
