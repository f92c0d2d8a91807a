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
// within the STRICT_FIFO budget. Maximises, in this order (split_objective.hpp: better_split
// and assign_earliest, one definition for both searches):
//   (a) units fully served, (b) fewest parts, (c) lowest summed penalty,
//   (d) lexicographically smallest sorted list of facility refs,
//   (e) among the unit sets of that size the chosen facilities can serve, the one listing the
//       earliest units; each unit, in order, goes to the first facility (by ref) from which
//       the rest can still be completed.
// Exact (branch and bound over facility sets, split_exact.cpp) when at most
// kExactSplitMaxUnits units can be served by some facility alone; otherwise
// choose_split_heuristic, which maximises the same (a)-(d) without a guarantee of the optimum
// and assigns the units it serves by (e)'s rule unless that exceeds its work budget.
SplitChoice choose_split(const Model& model, std::size_t max_parts);
// The same with the exact search's work budget given (exposed for tests: a small budget
// forces the fallback to the heuristic).
SplitChoice choose_split(const Model& model, std::size_t max_parts, std::size_t max_search_work);

// The greedy heuristic on its own (exposed for tests): repeatedly take the facility that
// fully serves the most remaining units (taking units in order while they fit), then the most
// quantity, then the lowest penalty, then the smallest ref; at most max_parts times.
SplitChoice choose_split_greedy(const Model& model, std::size_t max_parts);

// The heuristic used above kExactSplitMaxUnits servable units (exposed for tests); exact is
// always false. Deterministic, with a fixed work budget (units visited at facilities; the
// completions get at most half of it), so 40 units x 30 facilities stay under a millisecond
// at any cap. Never worse than choose_split_greedy on (a)-(d).
//   1. Multi-start: the plain greedy above (with its own assignment too), and for every
//      facility serving some unit alone (most such units first, then lowest penalty, then
//      ref) the greedy completion that starts with that facility.
//   2. Local improvement of the best so far: every single move (drop one facility, replace
//      one with an unused facility, add one while under the cap) is tried; the best move is
//      kept while it improves (a)-(d); until no move does or the budget is spent.
// A facility sequence is judged by letting each facility in turn take the remaining units it
// can, in unit order while they fit its stock and the budget: first the units no later
// facility of the sequence can serve alone, then the others (facilities left without units
// are dropped, and do not count as parts). The units the best sequence serves then go, in
// order, to the first of its facilities by ref from which the rest can still be completed
// (e); when that search runs out of work, the sequence's own assignment stands.
SplitChoice choose_split_heuristic(const Model& model, std::size_t max_parts);

}  // namespace waitroom::core::detail
