-- waitroom 0.2.0 -> 0.3.0: tenants (SPEC §7). Every table gains tenant_id (its last column,
-- 'default' for every existing row) leading its key; every reference carries it. The routines
-- and views are dropped and made again from this version's sql/src pieces (the Makefile
-- appends them to this script): nearly all of them changed.

\echo Use "ALTER EXTENSION waitroom UPDATE TO '0.3.0'" to load this file. \quit

SET LOCAL search_path = waitroom, pg_catalog;
