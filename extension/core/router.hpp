// The router: SPEC §3 as a pure function from a routing request to a decision.
#pragma once
#include "cpp_only.hpp"
#include "domain.hpp"

#include <cstdint>
#include <vector>

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

namespace detail {
struct Model;
struct Cell;
// route() on a built model (route_traced() traces the same model).
RoutingDecision decide(const Model& model);
// Per article, what the plan needs of it (all its lines).
std::vector<std::int64_t> plan_demand(const Model& model);
// Rule 1's test of one facility and article: a candidate with `needed` available.
bool covers(const Cell& cell, std::int64_t needed);
}  // namespace detail

}  // namespace waitroom::core
