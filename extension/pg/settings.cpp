// The module's settings: waitroom.lock_strategy and waitroom.debug_fault.
#include "pg/settings.hpp"

#include <cstring>

// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace waitroom::pg {
namespace {

enum LockStrategy : int { kOptimistic = 0, kAllCandidates = 1 };

// An enum, not a string: a value that is not one of these is an error (22023) when set, not a
// silent 'optimistic'.
const config_enum_entry lock_strategies[] = {
    {"optimistic", kOptimistic, false},
    {"all_candidates", kAllCandidates, false},
    {nullptr, 0, false},
};

int lock_strategy = kOptimistic;
char* debug_fault = nullptr;

}  // namespace

void define_settings() {
    // Test hook: 'core' makes the C++ core throw during routing, to prove that a C++
    // exception surfaces as a clean ERROR and never crosses into Postgres.
    DefineCustomStringVariable("waitroom.debug_fault", "Fault injection for tests.", nullptr,
                               &debug_fault, "", PGC_SUSET, GUC_NO_SHOW_ALL, nullptr, nullptr,
                               nullptr);
    // 'optimistic' (default): lock only the rows a decision reserves and re-check them.
    // 'all_candidates': lock every candidate row before deciding (for benchmarks; bench/).
    DefineCustomEnumVariable("waitroom.lock_strategy",
                             "How place_order locks stock: optimistic or all_candidates.", nullptr,
                             &lock_strategy, kOptimistic, lock_strategies, PGC_USERSET, 0, nullptr,
                             nullptr, nullptr);
    MarkGUCPrefixReserved("waitroom");
}

bool lock_all_candidates_first() { return lock_strategy == kAllCandidates; }

bool debug_fault_is(const char* name) {
    return debug_fault != nullptr && std::strcmp(debug_fault, name) == 0;
}

}  // namespace waitroom::pg
