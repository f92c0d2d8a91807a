-- A pre-order's release time moved a few seconds ahead (release_due serves it then).
\set a random(9, 12)
\set s random(1, 5)
SELECT soak.run('preorder_time', format('UPDATE waitroom.listing SET preorder_available_from = now() + %L::interval WHERE facility_ref = %L AND tenant_article_id = %L', :s || ' s', 'f1', format('a%s', lpad(:a::text, 2, '0'))));
