SELECT public.dl_reroute();
