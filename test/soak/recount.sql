-- Reservations changed by a direct UPDATE: the DBA recounts one article's reserved from the
-- open pick lines, its stock rows locked first in waitroom's order (facility, article, "C").
-- Legitimate only this way: a reserved that disagrees with the pick lines is a fault that
-- check_invariants() reports (pgTAP 20_invariants).
\set a random(1, 24)
BEGIN;
SELECT soak.run('recount_lock', format('SELECT 1 FROM waitroom.stock WHERE tenant_article_id = %L ORDER BY facility_ref COLLATE "C" FOR NO KEY UPDATE', format('a%s', lpad(:a::text, 2, '0'))));
SELECT soak.run('recount_reserved', format('UPDATE waitroom.stock s SET reserved = (SELECT coalesce(sum(pl.quantity), 0) FROM waitroom.pick_line pl JOIN waitroom.pick_job j ON j.pick_job_id = pl.pick_job_id WHERE j.status = %L AND pl.facility_ref = s.facility_ref AND pl.tenant_article_id = s.tenant_article_id) WHERE s.tenant_article_id = %L', 'OPEN', format('a%s', lpad(:a::text, 2, '0'))));
COMMIT;
