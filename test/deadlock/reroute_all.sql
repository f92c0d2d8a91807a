SELECT waitroom.reroute_all();
