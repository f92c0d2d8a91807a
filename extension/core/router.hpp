// The router: SPEC §3 as a pure function from a routing request to a decision.
#pragma once
#include "cpp_only.hpp"
#include "domain.hpp"

namespace waitroom::core {

// Orders with more units than this (after dropping units no facility can serve alone)
// are split with the heuristic of split_search.cpp (multi-start greedy plus local
// improvement) instead of the exact search.
inline constexpr std::size_t kExactSplitMaxUnits = 12;

// Decides where the request's lines go. Deterministic: the same request gives the same
// decision. Throws RoutingError on inconsistent input (e.g. a line quantity <= 0).
RoutingDecision route(const RoutingRequest& request);

// Great-circle distance in kilometres.
double distance_km(const Location& a, const Location& b);

}  // namespace waitroom::core
