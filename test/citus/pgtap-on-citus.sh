# shellcheck shell=bash
# Runs pgTAP files of test/pgtap through the Citus coordinator against the distributed install
# (sourced by test/suites/80-citus.sh, after waitroom.distribute(); needs P/Q from there).
#   wr_pgtap_on_citus TENANT FILE OUT
# Each file is one transaction (BEGIN ... ROLLBACK) that creates the extension; here the
# extension exists and is distributed, so its CREATE EXTENSION line is dropped, and the file runs
# as TENANT: wr.tenant names it to the helpers (test/pgtap/lib/helpers.psql, pg_temp.tenant()),
# the coordinator's column defaults of tenant_id say TENANT for the transaction (DDL not
# propagated: the coordinator fills defaults before routing a row), TENANT gets a strategy row
# (a file's UPDATE of routing_strategy without WHERE then changes it too), and the helpers'
# place_order(order) calls become place_order(order, TENANT). A file's own place_order calls
# are left as written (32_tenants names its tenants, and tests the 'default' of an order that
# names none). Each statement runs in a savepoint (ON_ERROR_ROLLBACK), so a statement Citus
# refuses fails alone. The ROLLBACK undoes everything (and never needs a two-phase commit).
# Writes the TAP output to OUT.
wr_pgtap_on_citus() {
  local tenant=$1 file=$2 out=$3 dir
  dir=$(mktemp -d /tmp/waitroom-pgtap-citus.XXXXXX)
  mkdir -p "$dir/lib"
  cp test/pgtap/lib/* "$dir/lib/"
  # The helpers' place_order(x) -> pg_temp.po(x): the order in TENANT (unless it names one).
  sed -i 's/waitroom\.place_order(/pg_temp.po(/g' "$dir"/lib/*.psql
  {
    echo "BEGIN;"
    echo "SET LOCAL citus.multi_shard_modify_mode = sequential;"
    # Trigger DDL on a distributed table (12_preorder's ALTER TABLE listing DISABLE TRIGGER
    # USER) needs this on Citus, as for distribute() itself.
    echo "SET LOCAL citus.enable_unsafe_triggers = on;"
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
    grep -v -x -e 'BEGIN;' -e 'CREATE EXTENSION waitroom;' "$file"
  } >"$dir/$(basename "$file")"
  (cd "$dir" && P 0 -X -q -v ON_ERROR_STOP=0 -v ON_ERROR_ROLLBACK=on -At -f "$(basename "$file")") >"$out" 2>&1
  rm -rf "$dir"
}
