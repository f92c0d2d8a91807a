// The split search: exact up to kExactSplitMaxUnits servable units, the heuristic above.
#include "split_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "decision_invariants.hpp"
#include "router.hpp"
#include "router_model.hpp"
#include "split_objective.hpp"
#include "split_requests.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

// n single-line units; unit i is only at facility "f<i % facilities>".
RoutingRequest spread(int n, int facilities) {
    RoutingRequest r = request();
    for (int f = 0; f < facilities; ++f) {
        r.facilities.push_back(facility("f" + std::to_string(f)));
    }
    for (int i = 0; i < n; ++i) {
        r.lines.push_back(line(std::to_string(i + 1), split_article(i), 1));
        r.offers.push_back(offer("f" + std::to_string(i % facilities), split_article(i), 1));
    }
    return r;
}

TEST(SplitSearch, ExactUpToThresholdGreedyAbove) {
    {
        const RoutingRequest r = spread(static_cast<int>(kExactSplitMaxUnits), 4);
        const detail::Model m = detail::build_model(r);
        EXPECT_TRUE(detail::choose_split(m, 3).exact);
    }
    {
        const RoutingRequest r = spread(static_cast<int>(kExactSplitMaxUnits) + 1, 4);
        const detail::Model m = detail::build_model(r);
        EXPECT_FALSE(detail::choose_split(m, 3).exact);
    }
}

TEST(SplitSearch, ThresholdCountsOnlyUnitsSomeFacilityCanServe) {
    RoutingRequest r = spread(8, 4);
    for (int i = 0; i < 8; ++i) {  // 8 more lines nobody has
        r.lines.push_back(line("x" + std::to_string(i), "missing" + std::to_string(i), 1));
    }
    const detail::Model m = detail::build_model(r);
    EXPECT_TRUE(detail::choose_split(m, 3).exact);
}

TEST(SplitSearch, GreedyTakesLargestFacilityFirst) {
    // The ExactSearchBeatsGreedyCoverage order: greedy takes f-big (4 units) and then one
    // more facility (1 unit) = 5 of 6; the exact search serves all 6.
    RoutingRequest r = request();
    for (int i = 1; i <= 6; ++i) {
        r.lines.push_back(line(std::to_string(i), split_article(i), 1));
    }
    r.facilities = {facility("f-big"), facility("f-left"), facility("f-right")};
    for (int i : {2, 3, 4, 5}) r.offers.push_back(offer("f-big", split_article(i), 1));
    for (int i : {1, 2, 3}) r.offers.push_back(offer("f-left", split_article(i), 1));
    for (int i : {4, 5, 6}) r.offers.push_back(offer("f-right", split_article(i), 1));
    const detail::Model m = detail::build_model(r);
    const detail::SplitChoice greedy = detail::choose_split_greedy(m, 2);
    ASSERT_EQ(greedy.parts.size(), 2U);
    EXPECT_EQ(m.facility_refs[greedy.parts[0].facility], "f-big");
    EXPECT_EQ(greedy.parts[0].units.size() + greedy.parts[1].units.size(), 5U);
    const detail::SplitChoice exact = detail::choose_split(m, 2);
    ASSERT_EQ(exact.parts.size(), 2U);
    EXPECT_EQ(exact.parts[0].units.size() + exact.parts[1].units.size(), 6U);
}

TEST(SplitSearch, AboveThresholdStillGivesValidDecision) {
    // 12 units: f0 has units 1-6, f1 7-10, f2 11, f3 12. Greedy: f0, f1, then f2 (tie with f3
    // on units, quantity and penalty -> ref). Line 12 is left after the cap: the routed parts
    // have none of it, so it is short in full at the first of them.
    RoutingRequest r = request();
    r.facilities = {facility("f0"), facility("f1"), facility("f2"), facility("f3")};
    for (int i = 1; i <= 12; ++i) {
        r.lines.push_back(line(std::to_string(i), split_article(i), 1));
        const char* f = i <= 6 ? "f0" : i <= 10 ? "f1" : i == 11 ? "f2" : "f3";
        r.offers.push_back(offer(f, split_article(i), 1));
    }
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d),
              "R:f0{1=1,2=1,3=1,4=1,5=1,6=1,12=0/1} R:f1{7=1,8=1,9=1,10=1} R:f2{11=1}");
    // Pre/backorderable line 12 waits instead.
    r.offers.back() = backorder("f3", split_article(12));
    EXPECT_EQ(describe(route(r)),
              "R:f0{1=1,2=1,3=1,4=1,5=1,6=1} R:f1{7=1,8=1,9=1,10=1} R:f2{11=1} W{12=1}");
}

TEST(SplitSearch, HeuristicAssignsUnitsByTheTieBreak) {
    // 14 units (above the exact search's limit): x has articles 1-10, y 3-14. The heuristic's
    // own sequence is y (12 units) then x; rule (e) gives each unit, in order, to the first
    // facility by ref from which the rest can still be completed: x takes 1-10.
    RoutingRequest r = request();
    r.facilities = {facility("x"), facility("y")};
    for (int i = 1; i <= 14; ++i) {
        r.lines.push_back(line(std::to_string(i), split_article(i), 1));
        if (i <= 10) {
            r.offers.push_back(offer("x", split_article(i), 1));
        }
        if (i >= 3) {
            r.offers.push_back(offer("y", split_article(i), 1));
        }
    }
    const detail::Model m = detail::build_model(r);
    const detail::SplitChoice h = detail::choose_split_heuristic(m, 2);
    ASSERT_EQ(h.parts.size(), 2U);
    EXPECT_EQ(h.parts[0].units, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(h.parts[1].units, (std::vector<std::size_t>{10, 11, 12, 13}));
    EXPECT_EQ(describe(route(r)),
              "R:x{1=1,2=1,3=1,4=1,5=1,6=1,7=1,8=1,9=1,10=1} R:y{11=1,12=1,13=1,14=1}");
}

TEST(SplitSearch, OneObjectiveRanksServedThenPartsThenPenaltyThenRefs) {
    const detail::SplitValue base{3, {1, 4}, 10.0};
    const auto with = [&](std::size_t served, std::vector<std::size_t> set, double penalty) {
        return detail::SplitValue{served, std::move(set), penalty};
    };
    EXPECT_TRUE(detail::better_split(with(4, {1, 2, 3}, 99.0), base));  // (a) units
    EXPECT_TRUE(detail::better_split(with(3, {7}, 50.0), base));        // (b) parts
    EXPECT_TRUE(detail::better_split(with(3, {5, 6}, 9.0), base));      // (c) penalty
    EXPECT_TRUE(detail::better_split(with(3, {1, 3}, 10.0), base));     // (d) sorted refs
    EXPECT_FALSE(detail::better_split(base, base));
    EXPECT_FALSE(detail::better_split(with(3, {1, 5}, 10.0), base));
}

TEST(SplitSearch, TieBreakStopsAtItsWorkBudget) {
    // Two facilities, each with one of A: two units fit only one per facility.
    RoutingRequest r = request();
    r.facilities = {facility("x"), facility("y")};
    r.offers = {offer("x", "A", 1), offer("y", "A", 1)};
    r.lines = {line("1", "A", 1), line("2", "A", 1)};
    const detail::Model m = detail::build_model(r);
    const std::vector<std::size_t> set{0, 1};
    const std::vector<std::size_t> units{0, 1};
    const auto parts = detail::assign_earliest(m, set, units, 2, 100);
    ASSERT_TRUE(parts.has_value());
    ASSERT_EQ(parts->size(), 2U);
    EXPECT_EQ((*parts)[0].units, std::vector<std::size_t>{0});
    EXPECT_EQ((*parts)[1].units, std::vector<std::size_t>{1});
    EXPECT_FALSE(detail::assign_earliest(m, set, units, 2, 2).has_value());
    EXPECT_FALSE(detail::assign_earliest(m, {0}, units, 2, 100).has_value());  // x holds one
}

TEST(SplitSearch, LargeOrderAllServedByGreedy) {
    RoutingRequest r = spread(40, 3);
    const RoutingDecision d = route(r);
    ASSERT_EQ(d.parts.size(), 3U);
    std::size_t lines = 0;
    for (const PlannedPart& p : d.parts) {
        EXPECT_EQ(p.status, PlanStatus::Routed);
        for (const PlannedLine& l : p.lines) {
            EXPECT_EQ(l.quantity, 1);
            EXPECT_EQ(l.short_quantity, 0);
            ++lines;
        }
    }
    EXPECT_EQ(lines, 40U);
    EXPECT_EQ(d.rule, "split");
}

// The search's work budget, not the clock: timings are in bench/core_bench.cpp
// (BM_Split*), on the same requests (split_requests.hpp).
TEST(SplitSearch, ContendedTenUnitsStayExactAndValid) {
    std::mt19937 rng(7);
    for (int round = 0; round < 40; ++round) {
        const RoutingRequest r = contended_ten_units(rng, round);
        SCOPED_TRACE("round " + std::to_string(round));
        EXPECT_TRUE(detail::choose_split(detail::build_model(r), 3).exact) << "search truncated";
        const RoutingDecision d = route(r);
        EXPECT_FALSE(d.parts.empty());
        EXPECT_TRUE(decision_violations(r, d).empty());
    }
}

TEST(SplitSearch, OneArticleTenUnitsStaysExact) {
    for (const bool consumer : {true, false}) {
        const RoutingRequest r = one_article_ten_units(consumer);
        EXPECT_TRUE(detail::choose_split(detail::build_model(r), 3).exact) << "search truncated";
        const RoutingDecision d = route(r);
        // 3 + 3 + 3 served; the tenth is short in a routed part (none has any left).
        ASSERT_EQ(d.parts.size(), 3U);
        int shorts = 0;
        for (const PlannedPart& p : d.parts) {
            EXPECT_EQ(p.status, PlanStatus::Routed);
            for (const PlannedLine& l : p.lines) {
                shorts += static_cast<int>(l.short_quantity);
                EXPECT_EQ(l.quantity + l.short_quantity, 1);
            }
        }
        EXPECT_EQ(shorts, 1);
    }
}

TEST(SplitSearch, LargeCapStaysValid) {
    // max_split_count up to 10 with 30 facilities: C(30, 10) facility sets; the bounds (and
    // at worst the work budget) keep it bounded, and the decision stays valid.
    std::mt19937 rng(11);
    for (int round = 0; round < 24; ++round) {
        const RoutingRequest r = large_cap(rng, round);
        SCOPED_TRACE("round " + std::to_string(round));
        const RoutingDecision d = route(r);
        std::size_t routed = 0;
        for (const PlannedPart& p : d.parts) {
            routed += p.status == PlanStatus::Routed ? 1 : 0;
        }
        EXPECT_LE(routed, static_cast<std::size_t>(r.strategy.max_split_count));
        EXPECT_TRUE(decision_violations(r, d).empty());
    }
}

}  // namespace
}  // namespace waitroom::core::testing

namespace waitroom::core::testing {
namespace {

// pgTAP 06_routing_edges "set cover, 12 units": augsburg sd01-06, berlin sd07-12, munich
// (nearest) sd01-03 + sd07-10. The plain greedy takes munich (7 units) first.
RoutingRequest twelve_units(int cap) {
    RoutingRequest r = request();
    r.consumer = kMunich;
    r.strategy.max_split_count = cap;
    r.facilities = {facility("augsburg", Location{48.37, 10.90}), facility("berlin", kBerlin),
                    facility("munich", kMunich)};
    auto sd = [](int i) { return std::string(i < 10 ? "sd0" : "sd") + std::to_string(i); };
    for (int i = 1; i <= 12; ++i) {
        r.lines.push_back(line(std::to_string(i), sd(i), 1));
        r.offers.push_back(offer(i <= 6 ? "augsburg" : "berlin", sd(i), 5));
        if (i <= 3 || (i >= 7 && i <= 10)) {
            r.offers.push_back(offer("munich", sd(i), 5));
        }
    }
    return r;
}

TEST(SplitSearch, TwelveUnitsFewestPlans) {
    const RoutingRequest r = twelve_units(3);
    const detail::Model m = detail::build_model(r);
    const detail::SplitChoice greedy = detail::choose_split_greedy(m, 3);
    EXPECT_EQ(greedy.parts.size(), 3U);  // munich + augsburg + berlin: what the search fixes
    const detail::SplitChoice h = detail::choose_split_heuristic(m, 3);
    ASSERT_EQ(h.parts.size(), 2U);  // the heuristic finds it too
    const detail::SplitChoice c = detail::choose_split(m, 3);
    EXPECT_TRUE(c.exact);  // 12 units: the exact search
    ASSERT_EQ(c.parts.size(), 2U);
    EXPECT_EQ(m.facility_refs[c.parts[0].facility], "augsburg");
    EXPECT_EQ(m.facility_refs[c.parts[1].facility], "berlin");
    EXPECT_EQ(describe(route(r)),
              "R:augsburg{1=1,2=1,3=1,4=1,5=1,6=1} R:berlin{7=1,8=1,9=1,10=1,11=1,12=1}");
}

TEST(SplitSearch, TruncatedExactSearchFallsBackToTheHeuristic) {
    // A work budget of one step stops the exact search at its incumbent (the greedy's three
    // parts); the heuristic's two parts are better, and are taken.
    const RoutingRequest r = twelve_units(3);
    const detail::Model m = detail::build_model(r);
    const detail::SplitChoice c = detail::choose_split(m, 3, /*max_search_work=*/1);
    EXPECT_FALSE(c.exact);
    ASSERT_EQ(c.parts.size(), 2U);
    EXPECT_EQ(m.facility_refs[c.parts[0].facility], "augsburg");
    EXPECT_EQ(m.facility_refs[c.parts[1].facility], "berlin");
}

TEST(SplitSearch, TwelveUnitsCapTwoServesAll) {
    const RoutingRequest r = twelve_units(2);
    const detail::Model m = detail::build_model(r);
    const detail::SplitChoice greedy = detail::choose_split_greedy(m, 2);
    ASSERT_EQ(greedy.parts.size(), 2U);
    EXPECT_EQ(greedy.parts[0].units.size() + greedy.parts[1].units.size(), 10U);
    EXPECT_EQ(describe(route(r)),
              "R:augsburg{1=1,2=1,3=1,4=1,5=1,6=1} R:berlin{7=1,8=1,9=1,10=1,11=1,12=1}");
}

// ------------------------------------------------ heuristic vs brute force on medium orders

struct Value {
    int served = 0;
    std::size_t parts = 0;
    double penalty = 0;
};

// The largest number of units the facilities `set` can serve together (each unit whole at
// one facility, within stock and the budget): exhaustive with a simple bound.
class MaxServed {
public:
    MaxServed(const detail::Model& m, const std::vector<std::size_t>& set)
        : m_(m),
          set_(set),
          used_(set.size(), std::vector<std::int64_t>(m.article_count(), 0)),
          budget_(m.article_count(), 0) {}
    int run() {
        dfs(0, 0);
        return best_;
    }

private:
    void dfs(std::size_t u, int served) {
        if (served + static_cast<int>(m_.units.size() - u) <= best_) {
            return;
        }
        if (u == m_.units.size()) {
            best_ = served;
            return;
        }
        const std::vector<detail::Demand>& demand = m_.units[u].demand;
        for (std::size_t s = 0; s < set_.size(); ++s) {
            bool ok = true;
            for (const detail::Demand& d : demand) {
                const detail::Cell& c = m_.cell(set_[s], d.article);
                ok = ok && c.candidate && used_[s][d.article] + d.quantity <= c.available &&
                     budget_[d.article] + d.quantity <= m_.budget[d.article];
            }
            if (!ok) {
                continue;
            }
            for (const detail::Demand& d : demand) {
                used_[s][d.article] += d.quantity;
                budget_[d.article] += d.quantity;
            }
            dfs(u + 1, served + 1);
            for (const detail::Demand& d : demand) {
                used_[s][d.article] -= d.quantity;
                budget_[d.article] -= d.quantity;
            }
        }
        dfs(u + 1, served);
    }

    const detail::Model& m_;
    const std::vector<std::size_t>& set_;
    std::vector<std::vector<std::int64_t>> used_;
    std::vector<std::int64_t> budget_;
    int best_ = -1;
};

bool better_value(const Value& a, const Value& b) {
    if (a.served != b.served) {
        return a.served > b.served;
    }
    if (a.parts != b.parts) {
        return a.parts < b.parts;
    }
    return a.penalty < b.penalty - 1e-9;
}

// The optimum of (a)-(c) over every facility set of at most cap facilities.
Value brute_force(const detail::Model& m, std::size_t cap) {
    Value best;
    const std::size_t nf = m.facility_count();
    for (std::uint32_t mask = 1; mask < (1U << nf); ++mask) {
        std::vector<std::size_t> set;
        double penalty = 0;
        for (std::size_t f = 0; f < nf; ++f) {
            if ((mask & (1U << f)) != 0) {
                set.push_back(f);
                penalty += m.penalty[f];
            }
        }
        if (set.size() > cap) {
            continue;
        }
        const Value v{MaxServed(m, set).run(), set.size(), penalty};
        if (v.served > 0 && better_value(v, best)) {
            best = v;
        }
    }
    return best;
}

// Checks the constraints of a split choice and returns its value.
Value checked_value(const detail::Model& m, const detail::SplitChoice& c, std::size_t cap) {
    Value v;
    EXPECT_LE(c.parts.size(), cap);
    std::vector<bool> seen(m.units.size(), false);
    std::vector<std::int64_t> budget(m.article_count(), 0);
    for (std::size_t p = 0; p < c.parts.size(); ++p) {
        const detail::SplitPart& part = c.parts[p];
        EXPECT_FALSE(part.units.empty());
        if (p > 0) {
            EXPECT_LT(c.parts[p - 1].facility, part.facility);  // distinct, ascending
        }
        EXPECT_TRUE(std::is_sorted(part.units.begin(), part.units.end()));
        std::vector<std::int64_t> used(m.article_count(), 0);
        for (std::size_t u : part.units) {
            EXPECT_FALSE(seen[u]) << "unit in two parts";
            seen[u] = true;
            for (const detail::Demand& d : m.units[u].demand) {
                used[d.article] += d.quantity;
                budget[d.article] += d.quantity;
            }
            ++v.served;
        }
        for (std::size_t a = 0; a < m.article_count(); ++a) {
            if (used[a] > 0) {
                EXPECT_TRUE(m.cell(part.facility, a).candidate);
                EXPECT_LE(used[a], m.cell(part.facility, a).available) << "stock exceeded";
            }
        }
        v.penalty += m.penalty[part.facility];
    }
    for (std::size_t a = 0; a < m.article_count(); ++a) {
        EXPECT_LE(budget[a], m.budget[a]) << "budget exceeded";
    }
    v.parts = c.parts.size();
    return v;
}

// Random medium order: 11-14 units (some of one article, some bundles), 3-8 facilities.
RoutingRequest medium_order(std::mt19937& rng) {
    RoutingRequest r = request();
    if (rng() % 4 != 0) {
        r.consumer = kBerlin;
    }
    r.strategy.max_split_count = 2 + static_cast<int>(rng() % 3);
    const int facilities = 3 + static_cast<int>(rng() % 6);
    const int units = 11 + static_cast<int>(rng() % 4);
    const int articles = units - static_cast<int>(rng() % 4);
    const int density = 35 + static_cast<int>(rng() % 40);  // % of listed articles
    for (int f = 0; f < facilities; ++f) {
        r.facilities.push_back(facility("f" + std::to_string(f),
                                        Location{47.0 + static_cast<double>(rng() % 800) / 100.0,
                                                 6.0 + static_cast<double>(rng() % 900) / 100.0}));
        for (int a = 0; a < articles; ++a) {
            if (static_cast<int>(rng() % 100) < density) {
                r.offers.push_back(offer("f" + std::to_string(f), split_article(a),
                                         1 + static_cast<std::int64_t>(rng() % 3)));
            }
        }
    }
    for (int i = 0; i < units; ++i) {
        const int a = i < articles ? i : static_cast<int>(rng() % articles);
        const std::int64_t q = 1 + static_cast<std::int64_t>(rng() % 2);
        if (rng() % 8 == 0) {  // a two-line bundle
            const std::string b = "b" + std::to_string(i);
            r.lines.push_back(line(std::to_string(i) + "a", split_article(a), q, b));
            r.lines.push_back(line(std::to_string(i) + "b",
                                   split_article(static_cast<int>(rng() % articles)), 1, b));
        } else {
            r.lines.push_back(line(std::to_string(i), split_article(a), q));
        }
    }
    return r;
}

// Calls fn(round, model, cap, brute-force optimum) for the 600 random medium orders (seed
// 2024) where some unit can be served.
template <typename Fn>
void for_each_medium_order(Fn fn) {
    std::mt19937 rng(2024);
    for (int round = 0; round < 600; ++round) {
        const RoutingRequest r = medium_order(rng);
        const detail::Model m = detail::build_model(r);
        const auto cap = static_cast<std::size_t>(r.strategy.max_split_count);
        const Value best = brute_force(m, cap);
        if (best.served > 0) {
            fn(round, m, cap, best);
        }
    }
}

TEST(SplitSearch, HeuristicReachesBruteForceOptimumOnMediumOrders) {
    int cases = 0;
    int heuristic_optimal = 0;
    int greedy_optimal = 0;
    for_each_medium_order(
        [&](int round, const detail::Model& m, std::size_t cap, const Value& best) {
            ++cases;
            const detail::SplitChoice h = detail::choose_split_heuristic(m, cap);
            EXPECT_FALSE(h.exact);
            const Value hv = checked_value(m, h, cap);
            EXPECT_FALSE(better_value(hv, best)) << "beats the brute force: a bug in one of them";
            const Value gv = checked_value(m, detail::choose_split_greedy(m, cap), cap);
            EXPECT_FALSE(better_value(gv, hv)) << "worse than the greedy, round " << round;
            heuristic_optimal += better_value(best, hv) ? 0 : 1;
            greedy_optimal += better_value(best, gv) ? 0 : 1;
            // Deterministic.
            const detail::SplitChoice again = detail::choose_split_heuristic(m, cap);
            ASSERT_EQ(again.parts.size(), h.parts.size());
            for (std::size_t p = 0; p < h.parts.size(); ++p) {
                EXPECT_EQ(again.parts[p].facility, h.parts[p].facility);
                EXPECT_EQ(again.parts[p].units, h.parts[p].units);
            }
        });
    std::printf(
        "medium orders: %d cases, heuristic optimal %d (%.1f%%), greedy optimal %d (%.1f%%)\n",
        cases, heuristic_optimal, 100.0 * heuristic_optimal / cases, greedy_optimal,
        100.0 * greedy_optimal / cases);
    ASSERT_GE(cases, 500);
    EXPECT_GE(heuristic_optimal * 100, cases * 98);  // measured 594 of 600 (99.0%)
}

TEST(SplitSearch, ExactSearchIsOptimalOnMediumOrdersUpToItsLimit) {
    // The medium orders of the heuristic's test: those with at most kExactSplitMaxUnits
    // servable units get the exact search, which must match the brute force every time.
    int exact_cases = 0;
    for_each_medium_order(
        [&](int round, const detail::Model& m, std::size_t cap, const Value& best) {
            const detail::SplitChoice c = detail::choose_split(m, cap);
            if (!c.exact) {
                return;
            }
            ++exact_cases;
            const Value v = checked_value(m, c, cap);
            EXPECT_FALSE(better_value(best, v))
                << "the exact search missed the optimum, round " << round;
        });
    std::printf("medium orders solved by the exact search: %d\n", exact_cases);
    ASSERT_GE(exact_cases, 250);
}

TEST(SplitSearch, HeuristicFortyUnitsThirtyFacilitiesStaysValid) {
    std::mt19937 rng(5);
    for (int round = 0; round < 30; ++round) {
        const RoutingRequest r = forty_units(rng, round);
        const detail::Model m = detail::build_model(r);
        const auto cap = static_cast<std::size_t>(r.strategy.max_split_count);
        SCOPED_TRACE("round " + std::to_string(round));
        checked_value(m, detail::choose_split_heuristic(m, cap), cap);
    }
}

}  // namespace
}  // namespace waitroom::core::testing
