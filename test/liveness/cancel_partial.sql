SELECT public.lv_cancel(true);
