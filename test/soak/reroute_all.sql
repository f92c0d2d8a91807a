-- The DBA (or a timer) re-routes everything; two of these at once are ordinary.
SELECT soak.run('reroute_all', 'SELECT waitroom.reroute_all()');
