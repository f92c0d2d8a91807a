\set f random(1, 4)
SELECT public.dl_assign('f' || :f);
