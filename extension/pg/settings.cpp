// Readers of the module's settings (defined in module.cpp).
#include "pg/settings.hpp"

#include <string>

// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace waitroom::pg {

bool lock_all_candidates_first() {
    const char* value = nullptr;
    pg_call([&] { value = GetConfigOption("waitroom.lock_strategy", true, false); });
    return value != nullptr && std::string(value) == "all_candidates";
}

bool debug_fault_is(const char* name) {
    const char* value = nullptr;
    pg_call([&] { value = GetConfigOption("waitroom.debug_fault", true, false); });
    return value != nullptr && std::string(value) == name;
}

}  // namespace waitroom::pg
