// The module: magic block, settings and transaction callbacks.
#include "pg/spi.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last.
#include "pg/guard.hpp"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

void _PG_init(void);
}

namespace {
char* debug_fault = nullptr;
char* lock_strategy = nullptr;
}  // namespace

extern "C" void _PG_init(void) {
    // Test hook: 'core' makes the C++ core throw during routing, to prove that a C++
    // exception surfaces as a clean ERROR and never crosses into Postgres.
    DefineCustomStringVariable("waitroom.debug_fault", "Fault injection for tests.", nullptr,
                               &debug_fault, "", PGC_SUSET, GUC_NO_SHOW_ALL, nullptr, nullptr,
                               nullptr);
    // 'optimistic' (default): lock only the rows a decision reserves and re-check them.
    // 'all_candidates': lock every candidate row before deciding (for benchmarks; bench/).
    DefineCustomStringVariable(
        "waitroom.lock_strategy", "How place_order locks stock: optimistic or all_candidates.",
        nullptr, &lock_strategy, "optimistic", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("waitroom");
    waitroom::pg::register_stock_trigger_callbacks();
    waitroom::pg::spi::register_callbacks();
}
