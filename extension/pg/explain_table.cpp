// Whether this database has explain's table yet: the module of 0.2.0 serves a database still
// at 0.1.0 until its ALTER EXTENSION UPDATE (test/suites/52-upgrade.sh), writing no log there.
#include "pg/explain_log.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
}

namespace waitroom::pg {

bool decision_log_table_exists() {
    bool exists = false;
    pg_call([&]() noexcept {
        const Oid schema = get_namespace_oid("waitroom", /*missing_ok=*/true);
        exists = OidIsValid(schema) && OidIsValid(get_relname_relid("routing_decision", schema));
    });
    return exists;
}

}  // namespace waitroom::pg
