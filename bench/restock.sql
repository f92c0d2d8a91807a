-- A one-row restock of a random stock row (bench/run.sh #6).
-- pgbench -D: facilities, first, articles (rows fc-1..fc-<facilities> x sku-<first>..).
\set f random(1, :facilities)
\set a random(:first, :first + :articles - 1)
UPDATE waitroom.stock SET on_hand = on_hand + 1
 WHERE facility_ref = 'fc-' || :f AND tenant_article_id = 'sku-' || :a;
