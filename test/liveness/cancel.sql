SELECT public.lv_cancel(false);
