// SPEC §3 rule 2: the exact split search (split_exact.cpp), for up to kExactSplitMaxUnits
// servable units.
#pragma once
#include "cpp_only.hpp"

#include <cstddef>
#include <vector>

#include "router_model.hpp"
#include "split_search.hpp"

namespace waitroom::core::detail {

// Safety valve: units of search work (DFS nodes plus mask unions formed) before the search
// stops with the best set found so far (about a few milliseconds).
inline constexpr std::size_t kMaxSearchWork = 4000000;

// The best split of `units` (servable model units, ascending, at most kExactSplitMaxUnits)
// into at most max_parts facilities by split_objective.hpp's (a)-(e), starting from the
// incumbent (the greedy's choice). exact is false when max_work ran out: the best set found
// by then.
SplitChoice exact_split(const Model& model, std::vector<std::size_t> units, std::size_t max_parts,
                        std::size_t max_work, const SplitChoice& incumbent);

}  // namespace waitroom::core::detail
