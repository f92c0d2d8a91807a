#include "pg/module_version.hpp"

#include <cstring>
#include <string>

#include "core/errors.hpp"
// Postgres headers last.
#include "pg/guard.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

namespace waitroom::pg {
namespace {

bool matched = false;

// The installed version of the extension waitroom, or "" when it is not installed.
std::string installed_version() {
    char* version = nullptr;
    pg_call([&]() noexcept {
        Relation rel = table_open(ExtensionRelationId, AccessShareLock);
        ScanKeyData key;
        ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
                    CStringGetDatum("waitroom"));
        SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
        HeapTuple tuple = systable_getnext(scan);
        if (HeapTupleIsValid(tuple)) {
            bool isnull = true;
            Datum value =
                heap_getattr(tuple, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);
            if (!isnull) version = text_to_cstring(DatumGetTextPP(value));
        }
        systable_endscan(scan);
        table_close(rel, AccessShareLock);
    });
    std::string out = version != nullptr ? version : "";
    if (version != nullptr) pg_call([&]() noexcept { pfree(version); });
    return out;
}

}  // namespace

void require_matching_sql_objects() {
    if (matched) return;
    std::string installed = installed_version();
    if (installed == kModuleVersion) {
        matched = true;
        return;
    }
    throw core::UserError("55000", "waitroom's SQL objects in this database are version " +
                                       installed + ", its module (waitroom.so) is version " +
                                       kModuleVersion + ": run ALTER EXTENSION waitroom UPDATE");
}

}  // namespace waitroom::pg
