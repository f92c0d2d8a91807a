// SPEC §3 rule 2: what the split search optimises, shared by the exact search
// (split_exact.cpp) and the heuristic (split_heuristic.cpp), so that both rank facility sets
// and assign units the same way.
#pragma once
#include "cpp_only.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "router_model.hpp"
#include "split_search.hpp"

namespace waitroom::core::detail {

// A split's value for (a)-(d): units fully served and the facilities serving them.
struct SplitValue {
    std::size_t served = 0;
    std::vector<std::size_t> set;  // facilities with units, ascending (= by ref)
    double penalty = 0;            // summed_penalty(set)
};

// The facilities' penalties summed in ascending facility order: one order for every caller,
// so that equal sets always compare equal.
double summed_penalty(const Model& model, const std::vector<std::size_t>& set);

SplitValue value_of(const Model& model, const SplitChoice& choice);

// The objective: (a) more units served, (b) fewer parts, (c) lower summed penalty, (d) the
// smaller sorted list of facility refs. True when a is strictly better than b.
bool better_split(const SplitValue& a, const SplitValue& b);

// The tie-break (e) for a facility set (ascending) and the units it may serve (model indices,
// ascending): among the sets of `served` units the facilities can serve within stock and the
// budget, the one listing the earliest units; each of them, in order, goes to the first
// facility by ref from which the rest can still be completed. The parts are ascending by
// facility (facilities left without units are dropped). std::nullopt when no such assignment
// exists or max_work steps (combinations tried plus units placed) do not find it.
std::optional<std::vector<SplitPart>> assign_earliest(const Model& model,
                                                      const std::vector<std::size_t>& set,
                                                      const std::vector<std::size_t>& units,
                                                      std::size_t served, std::size_t max_work);

// Does facility f (and the budget) hold `demand` on top of what `used` (at f) and
// `budget_used` (everywhere) already take?
inline bool fits_at(const Model& model, std::size_t f, const std::vector<Demand>& demand,
                    const std::vector<std::int64_t>& used,
                    const std::vector<std::int64_t>& budget_used) {
    return std::all_of(demand.begin(), demand.end(), [&](const Demand& d) {
        const Cell& cell = model.cell(f, d.article);
        return cell.candidate && used[d.article] + d.quantity <= cell.available &&
               budget_used[d.article] + d.quantity <= model.budget[d.article];
    });
}

// fits_at with nothing used yet: can f serve `demand` alone, within the budget?
inline bool fits_alone(const Model& model, std::size_t f, const std::vector<Demand>& demand) {
    const auto fits = [&](const Demand& d) {
        const Cell& cell = model.cell(f, d.article);
        return cell.candidate && d.quantity <= cell.available &&
               d.quantity <= model.budget[d.article];
    };
    if (demand.size() == 1) {  // the usual unit: one line
        return fits(demand.front());
    }
    return std::all_of(demand.begin(), demand.end(), fits);
}

// Units that some facility can serve alone within the budget, in unit order.
std::vector<std::size_t> servable_units(const Model& model);

}  // namespace waitroom::core::detail
