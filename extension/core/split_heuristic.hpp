// SPEC §3 rule 2: the split heuristic (split_heuristic.cpp), above kExactSplitMaxUnits
// servable units or when the exact search runs out of work.
#pragma once
#include "cpp_only.hpp"

#include <cstddef>
#include <vector>

#include "router_model.hpp"
#include "split_search.hpp"

namespace waitroom::core::detail {

// choose_split_heuristic on `units` (servable model units, ascending, not empty).
SplitChoice heuristic_split(const Model& model, std::vector<std::size_t> units,
                            std::size_t max_parts);

}  // namespace waitroom::core::detail
