-- A delivery: on_hand up at one stock row, by upsert (a row that is not there is created).
\set f random(1, 6)
\set a random(1, 24)
\set q random(1, 4)
SELECT soak.run('restock_up', format('INSERT INTO waitroom.stock AS s (facility_ref, tenant_article_id, on_hand) VALUES (%L, %L, %s) ON CONFLICT (tenant_id, facility_ref, tenant_article_id) DO UPDATE SET on_hand = s.on_hand + excluded.on_hand', 'f' || :f, format('a%s', lpad(:a::text, 2, '0')), :q));
