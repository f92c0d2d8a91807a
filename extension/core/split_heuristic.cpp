// SPEC §3 rule 2: the split heuristic (multi-start greedy plus local improvement, see
// choose_split_heuristic in split_search.hpp) and the plain greedy. Sets are ranked by
// better_split, and the chosen set's units assigned by assign_earliest (split_objective.hpp)
// where its work budget allows, as in the exact search.
#include "cpp_only.hpp"

#include "split_heuristic.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "split_objective.hpp"

namespace waitroom::core::detail {
namespace {

// The heuristic's work budget: units visited at facilities (each a few article comparisons at
// most, about 8 ns). 40 units x 30 facilities at any cap stays under a millisecond.
constexpr std::size_t kMaxHeuristicWork = 100000;
// Rule (e)'s assignment of the heuristic's units: units placed. Beyond it the heuristic keeps
// its own assignment.
constexpr std::size_t kMaxTieBreakWork = 20000;

// The heuristic above kExactSplitMaxUnits: multi-start greedy plus local improvement, see
// choose_split_heuristic in split_search.hpp. Units are positions i in units_ (servable
// units, ascending); facilities are model indices (ascending = by ref).
class HeuristicSearch {
public:
    HeuristicSearch(const Model& model, std::vector<std::size_t> units, std::size_t cap)
        : model_(model),
          units_(std::move(units)),
          n_(units_.size()),
          nf_(model.facility_count()),
          cap_(cap),
          serves_(nf_),
          serve_at_(nf_),
          used_(model.article_count(), 0),
          budget_used_(model.article_count(), 0),
          remaining_(n_, 0),
          later_(n_, 0),
          in_seq_(nf_, 0) {}

    SplitChoice run() {
        prepare();
        if (candidates_.empty() || cap_ == 0) {
            return exact_false();
        }
        // The plain greedy (as choose_split_greedy, and with exclusive units first), then
        // greedy completions from other first facilities (at most half the budget, so that
        // the local improvement keeps the rest).
        const std::vector<std::size_t> greedy = complete({});
        Result best = evaluate_with(greedy, false);
        Result r = evaluate(greedy);
        if (better(r, best)) {
            best = r;
        }
        for (std::size_t f : starts_) {
            if (work_ >= kMaxHeuristicWork / 2) {
                break;
            }
            if (!greedy.empty() && f == greedy.front()) {
                continue;  // the greedy itself
            }
            r = evaluate(complete({f}));
            if (better(r, best)) {
                best = r;
            }
        }
        improve(best);
        return build_choice(best);
    }

private:
    // serves_ with what trial_at and take_at need at hand; a unit of one article carries its demand
    // and what the facility holds of it.
    struct Serve {
        std::size_t i = 0;  // unit position
        std::int64_t total = 0;
        bool single = false;
        std::size_t article = 0;
        std::int64_t quantity = 0;
        std::int64_t available = 0;
    };

    // A facility sequence's value (served, set: facilities with units, penalty).
    struct Result : SplitValue {
        bool exclusive_first = true;   // the assignment (false: the plain greedy's)
        std::vector<std::size_t> seq;  // as evaluated (facilities without units included)
    };

    static SplitChoice exact_false() {
        SplitChoice c;
        c.exact = false;
        return c;
    }

    void prepare() {
        for (std::size_t f = 0; f < nf_; ++f) {
            serves_[f].reserve(n_);
            serve_at_[f].reserve(n_);
            for (std::size_t i = 0; i < n_; ++i) {
                const Unit& unit = model_.units[units_[i]];
                if (fits_alone(model_, f, unit.demand)) {
                    serves_[f].push_back(i);
                    Serve serve{i, unit.total_quantity, unit.demand.size() == 1, 0, 0, 0};
                    if (serve.single) {
                        serve.article = unit.demand[0].article;
                        serve.quantity = unit.demand[0].quantity;
                        serve.available = model_.cell(f, serve.article).available;
                    }
                    serve_at_[f].push_back(serve);
                }
            }
            if (!serves_[f].empty()) {
                candidates_.push_back(f);
            }
        }
        starts_ = candidates_;
        std::sort(starts_.begin(), starts_.end(), [&](std::size_t x, std::size_t y) {
            if (serves_[x].size() != serves_[y].size()) {
                return serves_[x].size() > serves_[y].size();
            }
            if (model_.penalty[x] != model_.penalty[y]) {
                return model_.penalty[x] < model_.penalty[y];
            }
            return x < y;
        });
    }

    void reset_state() {
        std::fill(budget_used_.begin(), budget_used_.end(), 0);
        std::fill(remaining_.begin(), remaining_.end(), 1);
    }

    // Does unit i fit facility f on top of used_ (this facility) and budget_used_ (all)?
    [[nodiscard]] bool fits(std::size_t f, std::size_t i) const {
        for (const Demand& d : model_.units[units_[i]].demand) {
            if (used_[d.article] + d.quantity > model_.cell(f, d.article).available ||
                budget_used_[d.article] + d.quantity > model_.budget[d.article]) {
                return false;
            }
        }
        return true;
    }

    // fits(f, serve.i), at hand for a unit of one article.
    [[nodiscard]] bool fits(std::size_t f, const Serve& serve) const {
        if (!serve.single) {
            return fits(f, serve.i);
        }
        const std::int64_t next = used_[serve.article] + serve.quantity;
        return next <= serve.available &&
               budget_used_[serve.article] + serve.quantity <= model_.budget[serve.article];
    }

    void take(std::size_t i, int sign) {
        for (const Demand& d : model_.units[units_[i]].demand) {
            used_[d.article] += sign * d.quantity;
            budget_used_[d.article] += sign * d.quantity;
        }
        remaining_[i] = sign > 0 ? 0 : 1;
    }

    // Facility f takes the remaining units it can, in unit order while they fit; with
    // exclusive_first, first those no later facility of the sequence can serve alone.
    // Appends the units taken to taken_ and returns how many; used_ is left at zero.
    std::size_t take_at(std::size_t f, bool exclusive_first) {
        const std::size_t start = taken_.size();
        for (int pass = exclusive_first ? 0 : 1; pass < 2; ++pass) {
            work_ += serves_[f].size();
            for (const Serve& serve : serve_at_[f]) {
                const std::size_t i = serve.i;
                if (remaining_[i] != 0 && (pass == 1 || later_[i] == 0) && fits(f, serve)) {
                    take(i, 1);
                    taken_.push_back(i);
                }
            }
        }
        for (std::size_t t = start; t < taken_.size(); ++t) {
            for (const Demand& d : model_.units[units_[taken_[t]]].demand) {
                used_[d.article] = 0;
            }
        }
        return taken_.size() - start;
    }

    // What take_at(f, false) would take (units, quantity), without taking it: the greedy's
    // trial of every candidate, on flat per-facility data. Counts the same work as take_at.
    std::pair<std::size_t, std::int64_t> trial_at(std::size_t f) {
        std::size_t count = 0;
        std::int64_t quantity = 0;
        work_ += serves_[f].size();
        for (const Serve& s : serve_at_[f]) {
            if (remaining_[s.i] == 0) {
                continue;
            }
            if (s.single) {
                const std::int64_t next = used_[s.article] + s.quantity;
                if (next > s.available ||
                    budget_used_[s.article] + next > model_.budget[s.article]) {
                    continue;
                }
                if (used_[s.article] == 0) {
                    trial_touched_.push_back(s.article);
                }
                used_[s.article] = next;
            } else {
                const std::vector<Demand>& demand = model_.units[units_[s.i]].demand;
                const bool fit = std::all_of(demand.begin(), demand.end(), [&](const Demand& d) {
                    const std::int64_t next = used_[d.article] + d.quantity;
                    return next <= model_.cell(f, d.article).available &&
                           budget_used_[d.article] + next <= model_.budget[d.article];
                });
                if (!fit) {
                    continue;
                }
                for (const Demand& d : demand) {
                    if (used_[d.article] == 0) {
                        trial_touched_.push_back(d.article);
                    }
                    used_[d.article] += d.quantity;
                }
            }
            ++count;
            quantity += s.total;
        }
        for (std::size_t a : trial_touched_) {
            used_[a] = 0;
        }
        trial_touched_.clear();
        return {count, quantity};
    }

    // Greedy completion of a prefix: the prefix facilities take units in order, then, up to
    // the cap, the facility that takes the most remaining units (then the most quantity, the
    // lowest penalty, the smallest ref) is added.
    std::vector<std::size_t> complete(std::vector<std::size_t> seq) {
        reset_state();
        std::fill(in_seq_.begin(), in_seq_.end(), 0);
        taken_.clear();
        std::size_t left = n_;
        for (std::size_t f : seq) {
            in_seq_[f] = 1;
            left -= take_at(f, false);
        }
        while (seq.size() < cap_ && left > 0) {
            std::size_t best_f = 0;
            std::size_t best_count = 0;
            std::int64_t best_quantity = 0;
            for (std::size_t f : candidates_) {
                if (in_seq_[f] != 0) {
                    continue;
                }
                const auto [count, quantity] = trial_at(f);
                bool better_f = false;
                if (count != best_count) {
                    better_f = count > best_count;
                } else if (quantity != best_quantity) {
                    better_f = quantity > best_quantity;
                } else if (count > 0) {
                    better_f = model_.penalty[f] < model_.penalty[best_f];
                }
                if (better_f) {
                    best_f = f;
                    best_count = count;
                    best_quantity = quantity;
                }
            }
            if (best_count == 0) {
                break;
            }
            seq.push_back(best_f);
            in_seq_[best_f] = 1;
            left -= take_at(best_f, false);
        }
        return seq;
    }

    // The value of a facility sequence: each facility in turn takes what it can, exclusive
    // units first (see take_at).
    Result evaluate(const std::vector<std::size_t>& seq) { return evaluate_with(seq, true); }

    // Leaves the assignment in taken_, with counts_ per sequence position.
    Result evaluate_with(const std::vector<std::size_t>& seq, bool exclusive_first) {
        reset_state();
        taken_.clear();
        counts_.clear();
        std::fill(later_.begin(), later_.end(), 0);
        for (std::size_t f : seq) {
            for (std::size_t i : serves_[f]) {
                ++later_[i];
            }
        }
        Result r;
        r.seq = seq;
        r.exclusive_first = exclusive_first;
        for (std::size_t f : seq) {
            for (std::size_t i : serves_[f]) {
                --later_[i];
            }
            const std::size_t count = take_at(f, exclusive_first);
            counts_.push_back(count);
            if (count > 0) {
                r.served += count;
                r.set.push_back(f);
            }
        }
        std::sort(r.set.begin(), r.set.end());
        r.penalty = summed_penalty(model_, r.set);
        return r;
    }

    static bool better(const Result& a, const Result& b) { return better_split(a, b); }

    // Local improvement: the best of all single moves (drop a facility, replace one with an
    // unused candidate in its place, add one while under the cap) while it improves.
    void improve(Result& best) {
        bool improved = true;
        while (improved && work_ < kMaxHeuristicWork) {
            improved = false;
            Result round = best;
            // Facilities without units are left out of the moves' sequences.
            std::vector<std::size_t> seq;
            for (std::size_t f : best.seq) {
                if (std::binary_search(best.set.begin(), best.set.end(), f)) {
                    seq.push_back(f);
                }
            }
            std::fill(in_seq_.begin(), in_seq_.end(), 0);
            for (std::size_t f : seq) {
                in_seq_[f] = 1;
            }
            std::vector<std::size_t> s;
            auto offer = [&]() {
                Result r = evaluate(s);
                if (better(r, round)) {
                    round = std::move(r);
                    improved = true;
                }
            };
            for (std::size_t p = 0; p < seq.size() && work_ < kMaxHeuristicWork; ++p) {
                s = seq;
                s.erase(s.begin() + static_cast<std::ptrdiff_t>(p));
                offer();
            }
            for (std::size_t p = 0; p < seq.size(); ++p) {
                for (std::size_t g : candidates_) {
                    if (in_seq_[g] == 0 && work_ < kMaxHeuristicWork) {
                        s = seq;
                        s[p] = g;
                        offer();
                    }
                }
            }
            if (seq.size() < cap_) {
                for (std::size_t g : candidates_) {
                    if (in_seq_[g] == 0 && work_ < kMaxHeuristicWork) {
                        s = seq;
                        s.push_back(g);
                        offer();
                    }
                }
            }
            if (improved) {
                best = std::move(round);
            }
        }
    }

    // The units the best sequence serves, each (in order) at the first facility of its set by
    // ref from which the rest can still be completed: rule (e)'s assignment. Which units are
    // served stays the sequence's: proving that earlier units cannot be completed is a search
    // of its own, too costly here. When even the assignment runs out of work, the sequence's
    // own assignment stands.
    SplitChoice build_choice(const Result& best) {
        evaluate_with(best.seq, best.exclusive_first);
        SplitChoice choice = exact_false();
        std::vector<std::size_t> served;
        served.reserve(taken_.size());
        for (std::size_t i : taken_) {
            served.push_back(units_[i]);
        }
        std::sort(served.begin(), served.end());
        if (auto parts =
                assign_earliest(model_, best.set, served, served.size(), kMaxTieBreakWork)) {
            choice.parts = std::move(*parts);
            return choice;
        }
        std::size_t t = 0;
        for (std::size_t s = 0; s < best.seq.size(); ++s) {
            if (counts_[s] == 0) {
                continue;
            }
            SplitPart part;
            part.facility = best.seq[s];
            for (std::size_t c = 0; c < counts_[s]; ++c) {
                part.units.push_back(units_[taken_[t + c]]);
            }
            t += counts_[s];
            std::sort(part.units.begin(), part.units.end());
            choice.parts.push_back(std::move(part));
        }
        std::sort(choice.parts.begin(), choice.parts.end(),
                  [](const SplitPart& x, const SplitPart& y) { return x.facility < y.facility; });
        return choice;
    }

    const Model& model_;
    std::vector<std::size_t> units_;  // servable model units; position i = units_[i]
    std::size_t n_;
    std::size_t nf_;
    std::size_t cap_;
    std::vector<std::vector<std::size_t>> serves_;  // per facility: units it serves alone
    std::vector<std::vector<Serve>> serve_at_;
    std::vector<std::size_t> trial_touched_;  // articles trial_at put into used_
    std::vector<std::size_t> candidates_;     // facilities serving a unit alone, ascending
    std::vector<std::size_t> starts_;         // candidates_, most units served alone first
    std::vector<std::int64_t> used_;          // per article, at the facility taking units
    std::vector<std::int64_t> budget_used_;   // per article, by the whole sequence
    std::vector<char> remaining_;             // per unit position
    std::vector<int> later_;                  // per unit position: later facilities serving it
    std::vector<char> in_seq_;                // per facility
    std::vector<std::size_t> taken_;          // units taken, in sequence order
    std::vector<std::size_t> counts_;         // per sequence position: units taken there
    std::size_t work_ = 0;                    // units visited at facilities
};

}  // namespace

SplitChoice heuristic_split(const Model& model, std::vector<std::size_t> units,
                            std::size_t max_parts) {
    return HeuristicSearch(model, std::move(units), max_parts).run();
}

SplitChoice choose_split_greedy(const Model& model, std::size_t max_parts) {
    SplitChoice choice;
    choice.exact = false;
    const std::size_t na = model.article_count();
    std::vector<std::size_t> remaining = servable_units(model);
    std::vector<std::int64_t> budget_used(na, 0);
    while (choice.parts.size() < max_parts && !remaining.empty()) {
        std::size_t best_f = 0;
        std::vector<std::size_t> best_units;
        std::int64_t best_quantity = 0;
        for (std::size_t f = 0; f < model.facility_count(); ++f) {
            if (std::any_of(choice.parts.begin(), choice.parts.end(),
                            [f](const SplitPart& p) { return p.facility == f; })) {
                continue;  // one part per facility; its stock is taken
            }
            std::vector<std::int64_t> used(na, 0);
            std::vector<std::int64_t> budget = budget_used;
            std::vector<std::size_t> taken;
            std::int64_t quantity = 0;
            for (std::size_t u : remaining) {
                const Unit& unit = model.units[u];
                if (!fits_at(model, f, unit.demand, used, budget)) {
                    continue;
                }
                for (const Demand& d : unit.demand) {
                    used[d.article] += d.quantity;
                    budget[d.article] += d.quantity;
                }
                taken.push_back(u);
                quantity += unit.total_quantity;
            }
            bool better = false;
            if (taken.size() != best_units.size()) {
                better = taken.size() > best_units.size();
            } else if (quantity != best_quantity) {
                better = quantity > best_quantity;
            } else if (!best_units.empty()) {
                better = model.penalty[f] < model.penalty[best_f];  // equal: smaller ref kept
            }
            if (better) {
                best_f = f;
                best_units = std::move(taken);
                best_quantity = quantity;
            }
        }
        if (best_units.empty()) {
            break;
        }
        for (std::size_t u : best_units) {
            for (const Demand& d : model.units[u].demand) {
                budget_used[d.article] += d.quantity;
            }
            remaining.erase(std::find(remaining.begin(), remaining.end(), u));
        }
        choice.parts.push_back(SplitPart{best_f, std::move(best_units)});
    }
    std::sort(choice.parts.begin(), choice.parts.end(),
              [](const SplitPart& x, const SplitPart& y) { return x.facility < y.facility; });
    return choice;
}

SplitChoice choose_split_heuristic(const Model& model, std::size_t max_parts) {
    std::vector<std::size_t> units = servable_units(model);
    if (units.empty() || max_parts == 0) {
        SplitChoice none;
        none.exact = false;
        return none;
    }
    return heuristic_split(model, std::move(units), max_parts);
}

}  // namespace waitroom::core::detail
