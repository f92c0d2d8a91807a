-- A listing switched on or off (mostly on).
\set f random(1, 6)
\set a random(1, 24)
\set on random(0, 3)
SELECT soak.run('listing_status', format('UPDATE waitroom.listing SET status = %L WHERE facility_ref = %L AND tenant_article_id = %L', CASE WHEN :on > 0 THEN 'ACTIVE' ELSE 'INACTIVE' END, 'f' || :f, format('a%s', lpad(:a::text, 2, '0'))));
