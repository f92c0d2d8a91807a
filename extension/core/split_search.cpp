// SPEC §3 rule 2: the split search.
//
// Exact search (at most kExactSplitMaxUnits servable units). Units are bits of a mask. For
// each facility f, A(f) is the set of units f can serve alone, and "feasible(f, M)" says f has
// complete stock for all units of M together (two units of one article add up). Feasibility
// is closed under subsets, so a set of facilities {f1..fk} can serve exactly the subsets of
// unions M1 | ... | Mk of maximal feasible masks Mi of fi. The STRICT_FIFO budget is a global
// limit per article, also closed under subsets: best_budget(X) is the largest number of units
// of X that fit it. The search enumerates facility sets by size k = 1..cap, facilities ordered
// by (penalty, ref), with branch and bound:
//   - served bounds: best_budget(chosen | all later facilities);
//     |chosen| + the r largest |A(g)| among later facilities (r = picks still to make);
//     per article, how many of the units needing it fit (smallest first) into what the chosen
//     facilities plus the r largest holdings among later facilities hold;
//   - penalty bound: the summed penalty of the next remaining facilities in order;
//   - the greedy result is the initial incumbent;
//   - a work budget (kMaxSearchWork) is a safety valve for huge caps and heavy stock
//     contention; when it is hit, the better of the best set found so far and the heuristic's
//     is used (still deterministic).
// Heuristic (more units): multi-start greedy and local improvement, see
// choose_split_heuristic in split_search.hpp.
#include "cpp_only.hpp"

#include "split_search.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "router.hpp"

namespace waitroom::core::detail {
namespace {

static_assert(kExactSplitMaxUnits <= 16, "unit masks are 16 bits wide");

using Mask = std::uint32_t;
// Safety valve: units of search work (DFS nodes plus mask unions formed) before the search
// stops with the best set found so far (about a few milliseconds).
constexpr std::size_t kMaxSearchWork = 4000000;
// The heuristic's work budget: units visited at facilities (each a few article comparisons at
// most, about 8 ns). 40 units x 30 facilities at any cap stays under a millisecond.
constexpr std::size_t kMaxHeuristicWork = 100000;

int popcount(Mask m) {
    int n = 0;
    for (; m != 0; m &= m - 1) {
        ++n;
    }
    return n;
}

// Does facility f (or the budget) hold `demand` on top of what `used` already takes?
bool fits_at(const Model& model, std::size_t f, const std::vector<Demand>& demand,
             const std::vector<std::int64_t>& used, const std::vector<std::int64_t>& budget_used) {
    for (const Demand& d : demand) {
        const Cell& cell = model.cell(f, d.article);
        if (!cell.candidate || used[d.article] + d.quantity > cell.available ||
            budget_used[d.article] + d.quantity > model.budget[d.article]) {
            return false;
        }
    }
    return true;
}

// fits_at with nothing used yet: can f serve `demand` alone, within the budget?
inline bool fits_alone(const Model& model, std::size_t f, const std::vector<Demand>& demand) {
    if (demand.size() == 1) {  // the usual unit: one line
        const Demand& d = demand.front();
        const Cell& cell = model.cell(f, d.article);
        return cell.candidate && d.quantity <= cell.available &&
               d.quantity <= model.budget[d.article];
    }
    return std::all_of(demand.begin(), demand.end(), [&](const Demand& d) {
        const Cell& cell = model.cell(f, d.article);
        return cell.candidate && d.quantity <= cell.available &&
               d.quantity <= model.budget[d.article];
    });
}

// Units that some facility can serve alone within the budget, in unit order.
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

class ExactSearch {
public:
    ExactSearch(const Model& model, std::vector<std::size_t> units, std::size_t cap,
                std::size_t max_work)
        : max_work_(max_work),
          model_(model),
          units_(std::move(units)),
          n_(units_.size()),
          full_(static_cast<Mask>((Mask{1} << n_) - 1)),
          cap_(cap),
          sums_(model.article_count(), 0) {}

    SplitChoice run(const SplitChoice& incumbent) {
        prepare();
        seed_incumbent(incumbent);
        const std::size_t kmax = std::min({cap_, n_, order_.size()});
        for (std::size_t k = 1; k <= kmax && work_ < max_work_; ++k) {
            if (best_valid_ && best_served_ == upper_bound_ && best_k_ < k) {
                break;  // nothing with more parts can be better
            }
            k_ = k;
            chosen_.clear();
            unions_.assign(1, std::vector<Mask>{0});
            dfs(0, 0, 0.0, 0);
        }
        SplitChoice choice = build_choice();
        choice.exact = work_ <= max_work_;
        return choice;
    }

private:
    // Per-article sums of the units of m; returns whether they fit `limit(article)`.
    template <typename Limit>
    bool mask_fits(Mask m, Limit limit) {
        touched_.clear();
        bool ok = true;
        for (std::size_t i = 0; i < n_ && ok; ++i) {
            if ((m & (Mask{1} << i)) == 0) {
                continue;
            }
            for (const Demand& d : model_.units[units_[i]].demand) {
                if (sums_[d.article] == 0) {
                    touched_.push_back(d.article);
                }
                sums_[d.article] += d.quantity;
                if (!limit(d.article, sums_[d.article])) {
                    ok = false;
                    break;
                }
            }
        }
        for (std::size_t a : touched_) {
            sums_[a] = 0;
        }
        return ok;
    }

    // feasible[s] for every subset s of `a`: whether the units of s fit `limit(article)`
    // together. Subsets in increasing order, each from the one without its lowest unit.
    template <typename Limit>
    void feasible_subsets(Mask a, Limit limit, std::vector<char>& feasible) {
        const std::size_t nb = dense_articles_.size();
        feasible.assign(std::size_t{1} << n_, 0);
        feasible[0] = 1;
        std::fill_n(mask_sums_.begin(), nb, 0);
        for (Mask s = (Mask{0} - a) & a; s != 0; s = (s - a) & a) {
            const Mask low = s & (~s + 1);
            const Mask prev = s ^ low;
            if (feasible[prev] == 0) {
                continue;
            }
            std::int64_t* sums = &mask_sums_[std::size_t{s} * nb];
            std::copy_n(&mask_sums_[std::size_t{prev} * nb], nb, sums);
            bool ok = true;
            for (const DenseDemand& d : dense_demand_[lowest_bit(low)]) {
                sums[d.dense] += d.quantity;
                if (!limit(d.article, sums[d.dense])) {
                    ok = false;
                    break;
                }
            }
            feasible[s] = ok ? 1 : 0;
        }
    }

    static std::size_t lowest_bit(Mask low) {
        std::size_t i = 0;
        for (; (low & 1U) == 0; low >>= 1U) {
            ++i;
        }
        return i;
    }

    bool facility_fits(std::size_t f, Mask m) {
        return mask_fits(m, [&](std::size_t a, std::int64_t q) {
            const Cell& cell = model_.cell(f, a);
            return cell.candidate && q <= cell.available;
        });
    }

    [[nodiscard]] bool budget_fits(Mask m) const { return budget_feasible_[m] != 0; }

    [[nodiscard]] int best_budget(Mask m) const {
        return budget_table_.empty() ? popcount(m) : budget_table_[m];
    }

    void prepare_dense() {
        for (std::size_t i = 0; i < n_; ++i) {
            for (const Demand& d : model_.units[units_[i]].demand) {
                dense_articles_.push_back(d.article);
            }
        }
        std::sort(dense_articles_.begin(), dense_articles_.end());
        dense_articles_.erase(std::unique(dense_articles_.begin(), dense_articles_.end()),
                              dense_articles_.end());
        dense_demand_.assign(n_, {});
        for (std::size_t i = 0; i < n_; ++i) {
            for (const Demand& d : model_.units[units_[i]].demand) {
                const auto b = static_cast<std::size_t>(
                    std::lower_bound(dense_articles_.begin(), dense_articles_.end(), d.article) -
                    dense_articles_.begin());
                dense_demand_[i].push_back(DenseDemand{b, d.article, d.quantity});
            }
        }
        mask_sums_.assign((std::size_t{1} << n_) * dense_articles_.size(), 0);
    }

    void prepare() {
        const std::size_t nf = model_.facility_count();
        prepare_dense();
        feasible_subsets(
            full_, [&](std::size_t a, std::int64_t q) { return q <= model_.budget[a]; },
            budget_feasible_);
        if (!budget_fits(full_)) {
            budget_table_.assign(std::size_t{1} << n_, 0);
            for (Mask m = 1; m <= full_; ++m) {
                if (budget_fits(m)) {
                    budget_table_[m] = popcount(m);
                } else {
                    int best = 0;
                    for (Mask rest = m; rest != 0; rest &= rest - 1) {
                        best = std::max(best, budget_table_[m & ~(rest & (~rest + 1))]);
                    }
                    budget_table_[m] = best;
                }
            }
        }
        upper_bound_ = best_budget(full_);

        alone_.assign(nf, 0);
        maximal_.assign(nf, {});
        std::vector<char> feasible;
        for (std::size_t f = 0; f < nf; ++f) {
            for (std::size_t i = 0; i < n_; ++i) {
                if (fits_alone(model_, f, model_.units[units_[i]].demand)) {
                    alone_[f] |= Mask{1} << i;
                }
            }
            if (alone_[f] == 0) {
                continue;
            }
            order_.push_back(f);
            if (facility_fits(f, alone_[f])) {
                maximal_[f].push_back(alone_[f]);
                continue;
            }
            // Enumerate the feasible subsets of A(f) and keep the maximal ones.
            const Mask a = alone_[f];
            feasible_subsets(
                a,
                [&](std::size_t article, std::int64_t q) {
                    return q <= model_.cell(f, article).available;
                },
                feasible);
            for (Mask s = a;; s = (s - 1) & a) {
                if (feasible[s] != 0) {
                    bool maximal = true;
                    for (Mask rest = a & ~s; rest != 0 && maximal; rest &= rest - 1) {
                        maximal = feasible[s | (rest & (~rest + 1))] == 0;
                    }
                    if (maximal) {
                        maximal_[f].push_back(s);
                    }
                }
                if (s == 0) {
                    break;
                }
            }
        }
        std::sort(order_.begin(), order_.end(), [&](std::size_t x, std::size_t y) {
            return model_.penalty[x] != model_.penalty[y] ? model_.penalty[x] < model_.penalty[y]
                                                          : x < y;
        });
        drop_dominated();
        const std::size_t m = order_.size();
        max_picks_ = std::min({cap_, n_, m});
        suffix_or_.assign(m + 1, 0);
        for (std::size_t j = m; j-- > 0;) {
            suffix_or_[j] = suffix_or_[j + 1] | alone_[order_[j]];
        }
        suffix_top_pop_ = top_sums(
            [&](std::size_t f, std::size_t /*b*/) {
                return static_cast<std::int64_t>(popcount(alone_[f]));
            },
            1);
        prepare_capacity();
        all_penalties_equal_ = true;
        for (std::size_t j = 1; j < m; ++j) {
            all_penalties_equal_ =
                all_penalties_equal_ && model_.penalty[order_[j]] == model_.penalty[order_[0]];
        }
        stamp_.assign(std::size_t{1} << n_, 0);
    }

    // Can f serve every unit set g can (each maximal mask of g inside one of f's)?
    [[nodiscard]] bool covers(std::size_t f, std::size_t g) const {
        if ((alone_[g] & ~alone_[f]) != 0) {
            return false;
        }
        return std::all_of(maximal_[g].begin(), maximal_[g].end(), [&](Mask mg) {
            return std::any_of(maximal_[f].begin(), maximal_[f].end(),
                               [mg](Mask mf) { return (mg & ~mf) == 0; });
        });
    }

    // Leaves out of order_ every facility g that cap_ earlier facilities (lower penalty, or
    // equal and smaller ref) cover: a set of at most cap_ facilities holding g lacks one of
    // them, and swapping g for it serves as much at no more penalty with a smaller ref, so it
    // is strictly better and the optimum never holds g. At hundreds of facilities most are
    // such, and the search space shrinks accordingly; the optimum does not change.
    void drop_dominated() {
        std::vector<std::size_t> kept;
        kept.reserve(order_.size());
        for (std::size_t j = 0; j < order_.size(); ++j) {
            const std::size_t g = order_[j];
            std::size_t dominators = 0;
            for (std::size_t i = 0; i < j && dominators < cap_; ++i) {
                if (covers(order_[i], g)) {
                    ++dominators;
                }
            }
            if (dominators < cap_) {
                kept.push_back(g);
            }
        }
        order_.swap(kept);
    }

    void prepare_capacity() {
        for (std::size_t i = 0; i < n_; ++i) {
            for (const Demand& d : model_.units[units_[i]].demand) {
                cap_articles_.push_back(d.article);
            }
        }
        std::sort(cap_articles_.begin(), cap_articles_.end());
        cap_articles_.erase(std::unique(cap_articles_.begin(), cap_articles_.end()),
                            cap_articles_.end());
        const std::size_t nb = cap_articles_.size();
        demand_prefix_.assign(nb, {});
        for (std::size_t b = 0; b < nb; ++b) {
            std::vector<std::int64_t> demands;
            for (std::size_t i = 0; i < n_; ++i) {
                for (const Demand& d : model_.units[units_[i]].demand) {
                    if (d.article == cap_articles_[b]) {
                        demands.push_back(d.quantity);
                    }
                }
            }
            std::sort(demands.begin(), demands.end());
            std::int64_t sum = 0;
            for (std::int64_t q : demands) {
                sum += q;
                demand_prefix_[b].push_back(sum);
            }
        }
        chosen_cap_.assign(nb, 0);
        suffix_top_avail_ =
            top_sums([&](std::size_t f,
                         std::size_t b) { return model_.cell(f, cap_articles_[b]).available; },
                     nb);
    }

    // For every suffix order_[j..], every r <= max_picks_ and every b < width: the sum of the
    // r largest value(f, b) over the suffix. Layout: ((j * (max_picks_ + 1)) + r) * width + b.
    template <typename Value>
    [[nodiscard]] std::vector<std::int64_t> top_sums(Value value, std::size_t width) const {
        const std::size_t m = order_.size();
        const std::size_t picks = max_picks_ + 1;
        std::vector<std::int64_t> sums((m + 1) * picks * width, 0);
        // Per b, the largest values of the suffix so far, descending (at most max_picks_).
        std::vector<std::vector<std::int64_t>> top(width);
        for (std::size_t j = m; j-- > 0;) {
            for (std::size_t b = 0; b < width; ++b) {
                std::vector<std::int64_t>& t = top[b];
                t.insert(
                    std::upper_bound(t.begin(), t.end(), value(order_[j], b), std::greater<>()),
                    value(order_[j], b));
                if (t.size() > max_picks_) {
                    t.pop_back();
                }
                std::int64_t sum = 0;
                for (std::size_t r = 1; r < picks; ++r) {
                    sum += r <= t.size() ? t[r - 1] : 0;
                    sums[(j * picks + r) * width + b] = sum;
                }
            }
        }
        return sums;
    }

    [[nodiscard]] std::int64_t top_sum(const std::vector<std::int64_t>& sums, std::size_t j,
                                       std::size_t r, std::size_t width, std::size_t b) const {
        return sums[(j * (max_picks_ + 1) + r) * width + b];
    }

    void add_capacity(std::size_t f, int sign) {
        for (std::size_t b = 0; b < cap_articles_.size(); ++b) {
            chosen_cap_[b] += sign * model_.cell(f, cap_articles_[b]).available;
        }
    }

    // Units servable by the chosen facilities plus r of order_[j..], judged per article alone:
    // of the units needing article b, at most as many as fit (smallest demands first) into
    // what those facilities hold of b, within the budget.
    [[nodiscard]] int capacity_bound(std::size_t j, std::size_t r) const {
        const std::size_t nb = cap_articles_.size();
        int bound = static_cast<int>(n_);
        for (std::size_t b = 0; b < nb; ++b) {
            const std::int64_t capacity =
                std::min(chosen_cap_[b] + top_sum(suffix_top_avail_, j, r, nb, b),
                         model_.budget[cap_articles_[b]]);
            const std::vector<std::int64_t>& prefix = demand_prefix_[b];
            const auto fit =
                std::upper_bound(prefix.begin(), prefix.end(), capacity) - prefix.begin();
            bound = std::min(bound, static_cast<int>(n_ - prefix.size()) + static_cast<int>(fit));
        }
        return bound;
    }

    int served_by(const std::vector<std::size_t>& facilities) {
        std::vector<Mask> unions{0};
        std::vector<Mask> next;
        for (std::size_t f : facilities) {
            extend(unions, f, next);
            unions.swap(next);
        }
        int served = 0;
        for (Mask u : unions) {
            served = std::max(served, best_budget(u));
        }
        return served;
    }

    // next = the distinct unions u | m, u in unions, m a maximal feasible mask of f.
    void extend(const std::vector<Mask>& unions, std::size_t f, std::vector<Mask>& next) {
        ++stamp_counter_;
        work_ += unions.size() * maximal_[f].size();
        next.clear();
        for (Mask u : unions) {
            for (Mask m : maximal_[f]) {
                const Mask x = u | m;
                if (stamp_[x] != stamp_counter_) {
                    stamp_[x] = stamp_counter_;
                    next.push_back(x);
                }
            }
        }
    }

    void seed_incumbent(const SplitChoice& incumbent) {
        if (incumbent.parts.empty()) {
            return;
        }
        std::vector<std::size_t> set;
        for (const SplitPart& p : incumbent.parts) {
            set.push_back(p.facility);
        }
        // In (penalty, ref) order, as the search sums penalties (a facility of the greedy's set
        // may have been dropped from order_ as dominated; its value still bounds the search).
        std::vector<std::size_t> in_order = set;
        std::sort(in_order.begin(), in_order.end(), [&](std::size_t x, std::size_t y) {
            return model_.penalty[x] != model_.penalty[y] ? model_.penalty[x] < model_.penalty[y]
                                                          : x < y;
        });
        double penalty = 0;
        for (std::size_t f : in_order) {
            penalty += model_.penalty[f];
        }
        std::sort(set.begin(), set.end());
        best_valid_ = true;
        best_served_ = served_by(in_order);
        best_k_ = set.size();
        best_penalty_ = penalty;
        best_set_ = set;
        best_from_dfs_k_ = 0;
    }

    // Is (served, k_, penalty, chosen_) better than the best so far?
    void offer(int served, double penalty) {
        if (best_valid_ && (served < best_served_ || (served == best_served_ && k_ > best_k_) ||
                            (served == best_served_ && k_ == best_k_ && penalty > best_penalty_))) {
            return;
        }
        std::vector<std::size_t> set = chosen_;
        std::sort(set.begin(), set.end());
        bool better = !best_valid_;
        if (!better) {
            if (served != best_served_) {
                better = served > best_served_;
            } else if (k_ != best_k_) {
                better = k_ < best_k_;
            } else if (penalty != best_penalty_) {
                better = penalty < best_penalty_;
            } else {
                better = set < best_set_;
            }
        }
        if (!better && served == best_served_ && k_ == best_k_ && penalty == best_penalty_ &&
            set == best_set_) {
            best_from_dfs_k_ = k_;  // the incumbent, met again in search order
        }
        if (better) {
            best_valid_ = true;
            best_served_ = served;
            best_k_ = k_;
            best_penalty_ = penalty;
            best_set_ = std::move(set);
            best_from_dfs_k_ = k_;
        }
    }

    void dfs(std::size_t depth, std::size_t start, double penalty, Mask chosen_or) {
        if (++work_ > max_work_) {
            return;
        }
        if (depth == k_) {
            int served = 0;
            for (Mask u : unions_[depth]) {
                served = std::max(served, best_budget(u));
                if (served == upper_bound_) {
                    break;
                }
            }
            offer(served, penalty);
            return;
        }
        const std::size_t r = k_ - depth;
        for (std::size_t j = start; j + r <= order_.size(); ++j) {
            if (work_ > max_work_) {
                return;
            }
            if (best_valid_) {
                const int cheap_bound = std::min(
                    best_budget(chosen_or | suffix_or_[j]),
                    popcount(chosen_or) + static_cast<int>(top_sum(suffix_top_pop_, j, r, 1, 0)));
                if (cheap_bound < best_served_) {
                    break;  // as below, without the costlier capacity bound
                }
                const int bound = std::min(cheap_bound, capacity_bound(j, r));
                double penalty_bound = penalty;
                for (std::size_t t = 0; t < r; ++t) {
                    penalty_bound += model_.penalty[order_[j + t]];
                }
                // All bounds only get worse for later j: prune by leaving the loop.
                if (bound < best_served_) {
                    break;
                }
                if (bound == best_served_) {
                    if (k_ > best_k_) {
                        break;
                    }
                    if (k_ == best_k_) {
                        if (penalty_bound > best_penalty_) {
                            break;
                        }
                        // Equal penalties everywhere: facility sets come in ref order, so
                        // the first best set found at this size cannot be beaten.
                        if (all_penalties_equal_ && best_from_dfs_k_ == k_ &&
                            penalty_bound == best_penalty_) {
                            break;
                        }
                    }
                }
            }
            const std::size_t f = order_[j];
            chosen_.push_back(f);
            add_capacity(f, 1);
            if (unions_.size() <= depth + 1) {
                unions_.resize(depth + 2);
            }
            extend(unions_[depth], f, unions_[depth + 1]);
            dfs(depth + 1, j + 1, penalty + model_.penalty[f], chosen_or | alone_[f]);
            add_capacity(f, -1);
            chosen_.pop_back();
        }
    }

    // Rule (e): the earliest-unit mask of the best size, assigned earliest-unit-first.
    SplitChoice build_choice() {
        SplitChoice choice;
        if (!best_valid_ || best_served_ == 0) {
            return choice;
        }
        const auto t = static_cast<std::size_t>(best_served_);
        std::vector<std::size_t> combo(t);
        for (std::size_t i = 0; i < t; ++i) {
            combo[i] = i;
        }
        std::vector<std::size_t> assignment;
        while (true) {
            Mask m = 0;
            for (std::size_t i : combo) {
                m |= Mask{1} << i;
            }
            if (budget_fits(m) && assign(combo, assignment)) {
                break;
            }
            // Next combination in lexicographic order.
            std::size_t i = t;
            while (i > 0 && combo[i - 1] == n_ - t + (i - 1)) {
                --i;
            }
            if (i == 0) {
                return choice;  // cannot happen: best_served_ was achieved by some mask
            }
            ++combo[i - 1];
            for (std::size_t j = i; j < t; ++j) {
                combo[j] = combo[j - 1] + 1;
            }
        }
        for (std::size_t s = 0; s < best_set_.size(); ++s) {
            SplitPart part;
            part.facility = best_set_[s];
            for (std::size_t i = 0; i < t; ++i) {
                if (assignment[i] == s) {
                    part.units.push_back(units_[combo[i]]);
                }
            }
            if (!part.units.empty()) {
                choice.parts.push_back(std::move(part));
            }
        }
        return choice;
    }

    bool assign(const std::vector<std::size_t>& combo, std::vector<std::size_t>& assignment) {
        const std::size_t na = model_.article_count();
        std::vector<std::vector<std::int64_t>> used(best_set_.size(),
                                                    std::vector<std::int64_t>(na, 0));
        const std::vector<std::int64_t> no_budget(na, 0);
        assignment.assign(combo.size(), 0);
        return assign_from(0, combo, assignment, used, no_budget);
    }

    bool assign_from(std::size_t i, const std::vector<std::size_t>& combo,
                     std::vector<std::size_t>& assignment,
                     std::vector<std::vector<std::int64_t>>& used,
                     const std::vector<std::int64_t>& no_budget) {
        if (i == combo.size()) {
            return true;
        }
        const std::vector<Demand>& demand = model_.units[units_[combo[i]]].demand;
        for (std::size_t s = 0; s < best_set_.size(); ++s) {
            if (!fits_at(model_, best_set_[s], demand, used[s], no_budget)) {
                continue;
            }
            for (const Demand& d : demand) {
                used[s][d.article] += d.quantity;
            }
            assignment[i] = s;
            if (assign_from(i + 1, combo, assignment, used, no_budget)) {
                return true;
            }
            for (const Demand& d : demand) {
                used[s][d.article] -= d.quantity;
            }
        }
        return false;
    }

    std::size_t max_work_;  // kMaxSearchWork, or less in tests
    const Model& model_;
    std::vector<std::size_t> units_;  // servable model units; bit i = units_[i]
    std::size_t n_;
    Mask full_;
    std::size_t cap_;
    std::vector<std::int64_t> sums_;
    std::vector<std::size_t> touched_;
    struct DenseDemand {
        std::size_t dense = 0;    // index into dense_articles_
        std::size_t article = 0;  // model article
        std::int64_t quantity = 0;
    };
    std::vector<std::size_t> dense_articles_;             // model articles of the servable units
    std::vector<std::vector<DenseDemand>> dense_demand_;  // per servable unit
    std::vector<std::int64_t> mask_sums_;                 // (1 << n) x dense_articles_
    std::vector<char> budget_feasible_;
    std::vector<int> budget_table_;  // empty: the whole set fits the budget
    int upper_bound_ = 0;
    std::vector<Mask> alone_;
    std::vector<std::vector<Mask>> maximal_;
    std::vector<std::size_t> order_;  // useful facilities by (penalty, ref)
    std::vector<Mask> suffix_or_;
    std::size_t max_picks_ = 0;                 // facilities in a set at most
    std::vector<std::int64_t> suffix_top_pop_;  // top_sums of |A(f)|
    // Capacity bound: per article of the servable units (dense index b), the units' demands
    // ascending as prefix sums, what the chosen facilities hold, and the largest holding of
    // each later facility in order_.
    std::vector<std::size_t> cap_articles_;
    std::vector<std::vector<std::int64_t>> demand_prefix_;
    std::vector<std::int64_t> chosen_cap_;
    std::vector<std::int64_t> suffix_top_avail_;  // top_sums of what facilities hold
    bool all_penalties_equal_ = true;
    std::vector<std::uint32_t> stamp_;
    std::uint32_t stamp_counter_ = 0;

    std::size_t k_ = 0;
    std::size_t work_ = 0;
    std::vector<std::size_t> chosen_;
    std::vector<std::vector<Mask>> unions_;

    bool best_valid_ = false;
    int best_served_ = 0;
    std::size_t best_k_ = 0;
    double best_penalty_ = 0;
    std::vector<std::size_t> best_set_;
    std::size_t best_from_dfs_k_ = 0;
};

// The objective of (a)-(d): most units, fewest parts, lowest penalty, smallest sorted refs
// (facility indexes follow ref order). T has served, set (ascending) and penalty (summed in
// ascending facility order).
template <typename T>
bool better_objective(const T& a, const T& b) {
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

    struct Result {
        int served = 0;
        double penalty = 0;            // summed in ascending facility order
        bool exclusive_first = true;   // the assignment (false: the plain greedy's)
        std::vector<std::size_t> seq;  // as evaluated (facilities without units included)
        std::vector<std::size_t> set;  // facilities with units, ascending
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
                r.served += static_cast<int>(count);
                r.set.push_back(f);
            }
        }
        std::sort(r.set.begin(), r.set.end());
        for (std::size_t f : r.set) {
            r.penalty += model_.penalty[f];
        }
        return r;
    }

    static bool better(const Result& a, const Result& b) { return better_objective(a, b); }

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

    SplitChoice build_choice(const Result& best) {
        evaluate_with(best.seq, best.exclusive_first);  // its assignment
        SplitChoice choice = exact_false();
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
    return HeuristicSearch(model, std::move(units), max_parts).run();
}

namespace {

// better_objective on two choices.
bool better_split(const Model& model, const SplitChoice& a, const SplitChoice& b) {
    struct Value {
        std::size_t served = 0;
        double penalty = 0;
        std::vector<std::size_t> set;
    };
    auto value_of = [&model](const SplitChoice& c) {
        Value v;
        for (const SplitPart& part : c.parts) {
            v.served += part.units.size();
            v.set.push_back(part.facility);
        }
        std::sort(v.set.begin(), v.set.end());
        for (std::size_t f : v.set) {
            v.penalty += model.penalty[f];
        }
        return v;
    };
    return better_objective(value_of(a), value_of(b));
}

}  // namespace

SplitChoice choose_split(const Model& model, std::size_t max_parts) {
    return choose_split(model, max_parts, kMaxSearchWork);
}

SplitChoice choose_split(const Model& model, std::size_t max_parts, std::size_t max_search_work) {
    std::vector<std::size_t> units = servable_units(model);
    if (units.empty() || max_parts == 0) {
        return SplitChoice{};
    }
    if (units.size() > kExactSplitMaxUnits) {
        return HeuristicSearch(model, std::move(units), max_parts).run();
    }
    SplitChoice greedy = choose_split_greedy(model, max_parts);
    ExactSearch search(model, units, max_parts, max_search_work);
    SplitChoice exact = search.run(greedy);
    if (exact.exact) {
        return exact;
    }
    // The search hit its work budget: the best it found may lose to the heuristic.
    SplitChoice heuristic = HeuristicSearch(model, std::move(units), max_parts).run();
    return better_split(model, heuristic, exact) ? heuristic : exact;
}

}  // namespace waitroom::core::detail
