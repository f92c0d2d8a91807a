// SPEC §3 rule 2: which facilities serve which units when an order is split.
#pragma once
#include "cpp_only.hpp"

#include <cstddef>
#include <vector>

#include "router_model.hpp"

namespace waitroom::core::detail {

struct SplitPart {
    std::size_t facility = 0;
    std::vector<std::size_t> units;  // model unit indices, ascending; never empty
};

struct SplitChoice {
    std::vector<SplitPart> parts;  // facility ascending by ref
    bool exact = true;  // false: greedy heuristic (too many units) or the search hit its budget
};

// Chooses at most max_parts facilities and the units each serves with complete stock,
// within the STRICT_FIFO budget. Maximises, in this order:
//   (a) units fully served, (b) fewest parts, (c) lowest summed penalty,
//   (d) lexicographically smallest sorted list of facility refs,
//   (e) among the unit sets of that size the chosen facilities can serve, the one listing the
//       earliest units; each unit, in order, goes to the first facility (by ref) from which
//       the rest can still be completed.
// Exact (branch and bound over facility sets) when at most kExactSplitMaxUnits units can be
// served by some facility alone; otherwise the greedy heuristic of split_search.cpp.
SplitChoice choose_split(const Model& model, std::size_t max_parts);

// The greedy heuristic on its own (exposed for tests): repeatedly take the facility that
// fully serves the most remaining units (taking units in order while they fit), then the most
// quantity, then the lowest penalty, then the smallest ref; at most max_parts times.
SplitChoice choose_split_greedy(const Model& model, std::size_t max_parts);

}  // namespace waitroom::core::detail
