// The module: magic block and settings.
#include "pg/guard.hpp"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

void _PG_init(void);
}

namespace {
char* debug_fault = nullptr;
}

extern "C" void _PG_init(void) {
    // Test hook: 'core' makes the C++ core throw during routing, to prove that a C++
    // exception surfaces as a clean ERROR and never crosses into Postgres.
    DefineCustomStringVariable("waitroom.debug_fault", "Fault injection for tests.", nullptr,
                               &debug_fault, "", PGC_SUSET, GUC_NO_SHOW_ALL, nullptr, nullptr,
                               nullptr);
    MarkGUCPrefixReserved("waitroom");
}
