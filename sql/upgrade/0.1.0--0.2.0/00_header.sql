-- waitroom 0.1.0 -> 0.2.0. Assembled from sql/upgrade/0.1.0--0.2.0/*.sql in name order, one
-- piece per change; each piece makes an 0.1.0 database equal to a fresh 0.2.0 install for its
-- change. test/suites/52-upgrade.sh checks that: every member's catalog facts
-- (test/upgrade/schema.sql: definitions, grants, indexes, comments, column order...) and
-- `pg_dump --schema-only --binary-upgrade` of an upgraded database equal a fresh install's.
-- The script runs with search_path = pg_catalog: qualify names. ADD COLUMN appends, so a new
-- column goes last in its CREATE TABLE in sql/src too.

\echo Use "ALTER EXTENSION waitroom UPDATE TO '0.2.0'" to load this file. \quit
