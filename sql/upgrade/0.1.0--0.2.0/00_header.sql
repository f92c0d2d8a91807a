-- waitroom 0.1.0 -> 0.2.0. Assembled from sql/upgrade/0.1.0--0.2.0/*.sql in name order, one
-- piece per change; each piece makes an 0.1.0 database equal to a fresh 0.2.0 install for its
-- change (test/suites/52-upgrade.sh compares pg_dump --schema-only of both).

\echo Use "ALTER EXTENSION waitroom UPDATE TO '0.2.0'" to load this file. \quit
