// SPEC §3 rule 2: the split search's driver. The exact search (split_exact.cpp) up to
// kExactSplitMaxUnits servable units, the heuristic (split_heuristic.cpp) above, both judged
// by split_objective.hpp.
#include "cpp_only.hpp"

#include "split_search.hpp"

#include <utility>

#include "router.hpp"
#include "split_exact.hpp"
#include "split_heuristic.hpp"
#include "split_objective.hpp"

namespace waitroom::core::detail {

SplitChoice choose_split(const Model& model, std::size_t max_parts) {
    return choose_split(model, max_parts, kMaxSearchWork);
}

SplitChoice choose_split(const Model& model, std::size_t max_parts, std::size_t max_search_work) {
    std::vector<std::size_t> units = servable_units(model);
    if (units.empty() || max_parts == 0) {
        return SplitChoice{};
    }
    if (units.size() > kExactSplitMaxUnits) {
        return heuristic_split(model, std::move(units), max_parts);
    }
    const SplitChoice greedy = choose_split_greedy(model, max_parts);
    SplitChoice exact = exact_split(model, units, max_parts, max_search_work, greedy);
    if (exact.exact) {
        return exact;
    }
    // The search hit its work budget: the best it found may lose to the heuristic.
    SplitChoice heuristic = heuristic_split(model, std::move(units), max_parts);
    return better_split(value_of(model, heuristic), value_of(model, exact)) ? heuristic : exact;
}

}  // namespace waitroom::core::detail
