// The split search's objective (a)-(d) and tie-break (e), see split_objective.hpp.
#include "cpp_only.hpp"

#include "split_objective.hpp"

#include <utility>

namespace waitroom::core::detail {

double summed_penalty(const Model& model, const std::vector<std::size_t>& set) {
    double penalty = 0;
    for (std::size_t f : set) {
        penalty += model.penalty[f];
    }
    return penalty;
}

SplitValue value_of(const Model& model, const SplitChoice& choice) {
    SplitValue v;
    for (const SplitPart& part : choice.parts) {
        v.served += part.units.size();
        v.set.push_back(part.facility);
    }
    std::sort(v.set.begin(), v.set.end());
    v.penalty = summed_penalty(model, v.set);
    return v;
}

bool better_split(const SplitValue& a, const SplitValue& b) {
    if (a.served != b.served) {
        return a.served > b.served;
    }
    if (a.set.size() != b.set.size()) {
        return a.set.size() < b.set.size();
    }
    if (a.penalty != b.penalty) {
        return a.penalty < b.penalty;
    }
    return a.set < b.set;
}

namespace {

// The search behind assign_earliest: units are positions i in units_.
class EarliestAssignment {
public:
    EarliestAssignment(const Model& model, const std::vector<std::size_t>& set,
                       const std::vector<std::size_t>& units, std::size_t max_work)
        : model_(model),
          set_(set),
          units_(units),
          max_work_(max_work),
          used_(set.size(), std::vector<std::int64_t>(model.article_count(), 0)),
          no_budget_used_(model.article_count(), 0),
          combo_budget_(model.article_count(), 0) {}

    std::optional<std::vector<SplitPart>> run(std::size_t served) {
        const std::size_t n = units_.size();
        if (served == 0 || served > n) {
            return std::nullopt;
        }
        // Combinations of `served` positions in lexicographic order: the first that fits the
        // budget and can be assigned lists the earliest units.
        std::vector<std::size_t> combo(served);
        for (std::size_t i = 0; i < served; ++i) {
            combo[i] = i;
        }
        while (true) {
            if (++work_ > max_work_) {
                return std::nullopt;
            }
            if (fits_budget(combo) && assign_from(0, combo)) {
                break;
            }
            std::size_t i = served;
            while (i > 0 && combo[i - 1] == n - served + (i - 1)) {
                --i;
            }
            if (i == 0) {
                return std::nullopt;
            }
            ++combo[i - 1];
            for (std::size_t j = i; j < served; ++j) {
                combo[j] = combo[j - 1] + 1;
            }
        }
        std::vector<SplitPart> parts;
        for (std::size_t s = 0; s < set_.size(); ++s) {
            SplitPart part;
            part.facility = set_[s];
            for (std::size_t i = 0; i < served; ++i) {
                if (assignment_[i] == s) {
                    part.units.push_back(units_[combo[i]]);
                }
            }
            if (!part.units.empty()) {
                parts.push_back(std::move(part));
            }
        }
        return parts;
    }

private:
    // The budget is one limit per article for the whole decision: whether the units fit it
    // does not depend on where they go.
    bool fits_budget(const std::vector<std::size_t>& combo) {
        std::fill(combo_budget_.begin(), combo_budget_.end(), 0);
        for (std::size_t i : combo) {
            for (const Demand& d : model_.units[units_[i]].demand) {
                combo_budget_[d.article] += d.quantity;
                if (combo_budget_[d.article] > model_.budget[d.article]) {
                    return false;
                }
            }
        }
        return true;
    }

    // Units combo[i..] in order, each at the first facility from which the rest fit.
    bool assign_from(std::size_t i, const std::vector<std::size_t>& combo) {
        if (i == combo.size()) {
            return true;
        }
        assignment_.resize(combo.size());
        const std::vector<Demand>& demand = model_.units[units_[combo[i]]].demand;
        for (std::size_t s = 0; s < set_.size(); ++s) {
            if (++work_ > max_work_) {
                return false;
            }
            if (!fits_at(model_, set_[s], demand, used_[s], no_budget_used_)) {
                continue;
            }
            for (const Demand& d : demand) {
                used_[s][d.article] += d.quantity;
            }
            assignment_[i] = s;
            const bool done = assign_from(i + 1, combo);
            for (const Demand& d : demand) {
                used_[s][d.article] -= d.quantity;
            }
            if (done) {
                return true;
            }
        }
        return false;
    }

    const Model& model_;
    const std::vector<std::size_t>& set_;
    const std::vector<std::size_t>& units_;
    std::size_t max_work_;
    std::size_t work_ = 0;
    std::vector<std::vector<std::int64_t>> used_;  // per facility of set_, per article
    std::vector<std::int64_t> no_budget_used_;     // fits_budget checked the budget
    std::vector<std::int64_t> combo_budget_;
    std::vector<std::size_t> assignment_;  // per combo position: index into set_
};

}  // namespace

std::optional<std::vector<SplitPart>> assign_earliest(const Model& model,
                                                      const std::vector<std::size_t>& set,
                                                      const std::vector<std::size_t>& units,
                                                      std::size_t served, std::size_t max_work) {
    return EarliestAssignment(model, set, units, max_work).run(served);
}

std::vector<std::size_t> servable_units(const Model& model) {
    std::vector<std::size_t> result;
    for (std::size_t u = 0; u < model.units.size(); ++u) {
        for (std::size_t f = 0; f < model.facility_count(); ++f) {
            if (fits_alone(model, f, model.units[u].demand)) {
                result.push_back(u);
                break;
            }
        }
    }
    return result;
}

}  // namespace waitroom::core::detail
