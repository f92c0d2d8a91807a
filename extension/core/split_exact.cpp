// SPEC §3 rule 2: the exact split search.
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
//     contention; when it is hit, split_search.cpp takes the better of the best set found so
//     far and the heuristic's (still deterministic).
// Sets are ranked by better_split and their units assigned by assign_earliest
// (split_objective.hpp), as in the heuristic.
#include "cpp_only.hpp"

#include "split_exact.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "router.hpp"
#include "split_objective.hpp"

namespace waitroom::core::detail {
namespace {

static_assert(kExactSplitMaxUnits <= 16, "unit masks are 16 bits wide");

using Mask = std::uint32_t;

int popcount(Mask m) {
    int n = 0;
    for (; m != 0; m &= m - 1) {
        ++n;
    }
    return n;
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
            if (best_valid_ && best_served() == upper_bound_ && best_k() < k) {
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

    void prepare_capacity() {  // after prepare_dense
        const std::size_t nb = dense_articles_.size();
        demand_prefix_.assign(nb, {});
        for (std::size_t b = 0; b < nb; ++b) {
            std::vector<std::int64_t> demands;
            for (std::size_t i = 0; i < n_; ++i) {
                for (const Demand& d : model_.units[units_[i]].demand) {
                    if (d.article == dense_articles_[b]) {
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
                         std::size_t b) { return model_.cell(f, dense_articles_[b]).available; },
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
        for (std::size_t b = 0; b < dense_articles_.size(); ++b) {
            chosen_cap_[b] += sign * model_.cell(f, dense_articles_[b]).available;
        }
    }

    // Units servable by the chosen facilities plus r of order_[j..], judged per article alone:
    // of the units needing article b, at most as many as fit (smallest demands first) into
    // what those facilities hold of b, within the budget.
    [[nodiscard]] int capacity_bound(std::size_t j, std::size_t r) const {
        const std::size_t nb = dense_articles_.size();
        int bound = static_cast<int>(n_);
        for (std::size_t b = 0; b < nb; ++b) {
            const std::int64_t capacity =
                std::min(chosen_cap_[b] + top_sum(suffix_top_avail_, j, r, nb, b),
                         model_.budget[dense_articles_[b]]);
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
        std::vector<std::size_t> in_order;
        for (const SplitPart& p : incumbent.parts) {
            in_order.push_back(p.facility);
        }
        // A facility of the greedy's set may have been dropped from order_ as dominated; its
        // value still bounds the search.
        std::sort(in_order.begin(), in_order.end(), [&](std::size_t x, std::size_t y) {
            return model_.penalty[x] != model_.penalty[y] ? model_.penalty[x] < model_.penalty[y]
                                                          : x < y;
        });
        best_.served = static_cast<std::size_t>(served_by(in_order));
        best_.set = incumbent_set(incumbent);
        best_.penalty = summed_penalty(model_, best_.set);
        best_valid_ = true;
        best_from_dfs_k_ = 0;
    }

    static std::vector<std::size_t> incumbent_set(const SplitChoice& incumbent) {
        std::vector<std::size_t> set;
        for (const SplitPart& p : incumbent.parts) {
            set.push_back(p.facility);
        }
        std::sort(set.begin(), set.end());
        return set;
    }

    [[nodiscard]] int best_served() const { return static_cast<int>(best_.served); }
    [[nodiscard]] std::size_t best_k() const { return best_.set.size(); }

    // The chosen set of k_ facilities, serving `served` units, against the best so far.
    void offer(int served) {
        leaf_.served = static_cast<std::size_t>(served);
        leaf_.set = chosen_;
        std::sort(leaf_.set.begin(), leaf_.set.end());
        leaf_.penalty = summed_penalty(model_, leaf_.set);
        if (!best_valid_ || better_split(leaf_, best_)) {
            std::swap(best_, leaf_);
            best_valid_ = true;
            best_from_dfs_k_ = k_;
        } else if (!better_split(best_, leaf_)) {
            best_from_dfs_k_ = k_;  // the incumbent, met again in search order
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
            offer(served);
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
                if (cheap_bound < best_served()) {
                    break;  // as below, without the costlier capacity bound
                }
                const int bound = std::min(cheap_bound, capacity_bound(j, r));
                double penalty_bound = penalty;
                for (std::size_t t = 0; t < r; ++t) {
                    penalty_bound += model_.penalty[order_[j + t]];
                }
                // All bounds only get worse for later j: prune by leaving the loop.
                if (bound < best_served()) {
                    break;
                }
                if (bound == best_served()) {
                    if (k_ > best_k()) {
                        break;
                    }
                    if (k_ == best_k()) {
                        // The bound sums in search order, summed_penalty in ref order: the
                        // slack keeps rounding from pruning an equal sum.
                        if (penalty_bound > best_.penalty + 1e-9 * (1.0 + best_.penalty)) {
                            break;
                        }
                        // Equal penalties everywhere: facility sets come in ref order, so
                        // the first best set found at this size cannot be beaten.
                        if (all_penalties_equal_ && best_from_dfs_k_ == k_ &&
                            penalty_bound == best_.penalty) {
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

    // Rule (e) on the best set.
    SplitChoice build_choice() {
        SplitChoice choice;
        if (!best_valid_ || best_.served == 0) {
            return choice;
        }
        auto parts = assign_earliest(model_, best_.set, units_, best_.served,
                                     std::numeric_limits<std::size_t>::max());
        if (parts) {  // always: best_.served was achieved by some mask
            choice.parts = std::move(*parts);
        }
        return choice;
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
    SplitValue best_;
    SplitValue leaf_;  // offer()'s scratch
    std::size_t best_from_dfs_k_ = 0;
};

}  // namespace

SplitChoice exact_split(const Model& model, std::vector<std::size_t> units, std::size_t max_parts,
                        std::size_t max_work, const SplitChoice& incumbent) {
    return ExactSearch(model, std::move(units), max_parts, max_work).run(incumbent);
}

}  // namespace waitroom::core::detail
