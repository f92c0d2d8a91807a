# shellcheck shell=bash
# Runs pgTAP files of test/pgtap through the Citus coordinator against the distributed install
# (sourced by test/suites/80-citus.sh, after waitroom.distribute(); needs P/Q from there).
#   wr_pgtap_on_citus TENANT FILE OUT
# Each file is one transaction (BEGIN ... ROLLBACK) that creates the extension; here the
# extension exists and is distributed, so its CREATE EXTENSION line is dropped, and the file runs
# as TENANT: the coordinator's column defaults of tenant_id say TENANT for the transaction (DDL
# not propagated: the coordinator fills defaults before routing a row), TENANT gets a strategy
# row (a file's UPDATE of routing_strategy without WHERE then changes it too), and the helpers'
# place_order(order) calls become place_order(order, TENANT); their LANGUAGE sql functions
# become PL/pgSQL (test/citus/sql_to_plpgsql.py: Citus cannot plan a SQL function's statement
# with parameters); each statement runs in a savepoint (ON_ERROR_ROLLBACK), so a statement Citus
# refuses fails alone. Queries that join on other
# columns than tenant_id need citus.enable_repartition_joins. The ROLLBACK undoes everything
# (and never needs a two-phase commit). Writes the TAP output to OUT.
wr_pgtap_on_citus() {
  local tenant=$1 file=$2 out=$3 dir lib
  dir=$(mktemp -d /tmp/waitroom-pgtap-citus.XXXXXX)
  mkdir -p "$dir/lib"
  cp test/pgtap/lib/* "$dir/lib/"
  # place_order(x) -> pg_temp.po(x): the tenant from the transaction's setting.
  sed -i 's/waitroom\.place_order(/pg_temp.po(/g' "$dir"/lib/*.psql
  for lib in "$dir"/lib/*.psql; do
    python3 test/citus/sql_to_plpgsql.py <"$lib" >"$lib.new" && mv "$lib.new" "$lib"
  done
  {
    echo "BEGIN;"
    echo "SET LOCAL citus.enable_repartition_joins = ${WR_CITUS_REPARTITION:-off};"
    echo "SET LOCAL citus.multi_shard_modify_mode = sequential;"
    echo "SELECT set_config('wr.tenant', '$tenant', true);"
    echo "SET LOCAL citus.enable_ddl_propagation = off;"
    echo "DO \$\$ DECLARE r record; BEGIN
      FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                WHERE c.relnamespace = 'waitroom'::regnamespace AND c.relkind = 'r' AND a.attname = 'tenant_id' LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN tenant_id SET DEFAULT %L', r.t, '$tenant');
      END LOOP; END \$\$;"
    echo "SET LOCAL citus.enable_ddl_propagation = on;"
    [ "$tenant" != default ] && echo "INSERT INTO waitroom.routing_strategy (tenant_id) VALUES ('$tenant');"
    echo "CREATE FUNCTION pg_temp.po(j jsonb) RETURNS jsonb LANGUAGE sql AS
            \$\$ SELECT waitroom.place_order(j, coalesce(j->>'tenantId', current_setting('wr.tenant'))) \$\$;"
    echo "CREATE FUNCTION pg_temp.po(j jsonb, t text) RETURNS jsonb LANGUAGE sql AS
            \$\$ SELECT waitroom.place_order(j, t) \$\$;"
    grep -v -x -e 'BEGIN;' -e 'CREATE EXTENSION waitroom;' "$file" | sed 's/waitroom\.place_order(/pg_temp.po(/g' |
      python3 test/citus/sql_to_plpgsql.py
  } >"$dir/$(basename "$file")"
  (cd "$dir" && P 0 -X -q -v ON_ERROR_STOP=0 -v ON_ERROR_ROLLBACK=on -At -f "$(basename "$file")") >"$out" 2>&1
  rm -rf "$dir"
}
