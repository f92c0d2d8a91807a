// Ids of orders, plans and pick jobs (ids.cpp).
#pragma once

#include <string>

namespace waitroom::pg {

// A version 4 UUID from pg_strong_random, as text.
std::string new_uuid();

}  // namespace waitroom::pg
