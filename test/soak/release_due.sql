-- waitroomd's timer.
SELECT soak.run('release_due', 'SELECT waitroom.release_due()');
