// Randomized properties of route() over thousands of generated orders, stock situations and
// strategies (fixed seeds, std::mt19937), and the exact split search against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "decision_invariants.hpp"
#include "router.hpp"
#include "router_model.hpp"
#include "split_search.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

int pick(std::mt19937& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}
bool chance(std::mt19937& rng, double p) { return std::bernoulli_distribution(p)(rng); }

RoutingRequest generate(std::mt19937& rng) {
    RoutingRequest r = request();
    if (chance(rng, 0.8)) {
        r.consumer = Location{47.0 + pick(rng, 0, 800) / 100.0, 6.0 + pick(rng, 0, 900) / 100.0};
    }
    const int facilities = pick(rng, 1, 7);
    for (int f = 0; f < facilities; ++f) {
        Facility fac = facility("fc" + std::to_string(f));
        const int status = pick(rng, 0, 9);
        fac.status = status < 8   ? FacilityStatus::Online
                     : status < 9 ? FacilityStatus::Suspended
                                  : FacilityStatus::Offline;
        if (chance(rng, 0.85)) {
            fac.location =
                Location{47.0 + pick(rng, 0, 800) / 100.0, 6.0 + pick(rng, 0, 900) / 100.0};
        }
        r.facilities.push_back(fac);
    }
    const int articles = pick(rng, 1, 6);
    const int lines = pick(rng, 1, 9);
    for (int l = 0; l < lines; ++l) {
        std::optional<std::string> bundle;
        const int b = pick(rng, 0, 9);
        if (b < 2) {
            bundle = "b" + std::to_string(b);
        }
        r.lines.push_back(line("L" + std::to_string(l + 1),
                               "sku" + std::to_string(pick(rng, 0, articles - 1)), pick(rng, 1, 4),
                               bundle));
    }
    for (int f = 0; f < facilities; ++f) {
        for (int a = 0; a < articles; ++a) {
            if (!chance(rng, 0.7)) {
                continue;
            }
            Offer o;
            o.facility_ref = "fc" + std::to_string(f);
            o.article = "sku" + std::to_string(a);
            o.has_listing = chance(rng, 0.92);
            o.listing_status = chance(rng, 0.88) ? ListingStatus::Active : ListingStatus::Inactive;
            const int behaviour = pick(rng, 0, 9);
            o.behaviour = behaviour < 6   ? OutOfStockBehaviour::None
                          : behaviour < 8 ? OutOfStockBehaviour::Backorder
                                          : OutOfStockBehaviour::Preorder;
            if (o.behaviour == OutOfStockBehaviour::Preorder) {
                o.preorder_available_from = kNow + (chance(rng, 0.6) ? kHour : -kHour);
            }
            o.on_hand = pick(rng, 0, 7);
            o.reserved = pick(rng, 0, 3);
            r.offers.push_back(o);
        }
    }
    Strategy& s = r.strategy;
    s.complete_stock_fence_active = chance(rng, 0.6);
    s.complete_stock_fence_mode = chance(rng, 0.7) ? FenceMode::Reactive : FenceMode::Static;
    s.order_split_active = chance(rng, 0.75);
    s.max_split_count = pick(rng, 1, 4);
    s.use_waiting_room_for_pre_back_order_items = chance(rng, 0.3);
    s.waiting_room_priority = static_cast<WaitingRoomPriority>(pick(rng, 0, 2));
    if (chance(rng, 0.3)) {
        for (int a = 0; a < articles; ++a) {
            if (chance(rng, 0.5)) {
                r.held_back["sku" + std::to_string(a)] = pick(rng, 0, 8);
            }
        }
    }
    return r;
}

void check_invariants(const RoutingRequest& r, const RoutingDecision& d) {
    for (const std::string& violation : decision_violations(r, d)) {
        ADD_FAILURE() << violation;
    }
}

TEST(Property, RandomOrdersKeepInvariantsAndAreDeterministic) {
    std::mt19937 rng(20261122);
    std::map<std::string, int> rules;
    for (int round = 0; round < 5000; ++round) {
        RoutingRequest r = generate(rng);
        SCOPED_TRACE("round " + std::to_string(round));
        const RoutingDecision d = route(r);
        check_invariants(r, d);
        ++rules[d.rule];
        // Determinism: twice, and with offers and facilities shuffled.
        EXPECT_EQ(fingerprint(route(r)), fingerprint(d));
        std::shuffle(r.offers.begin(), r.offers.end(), rng);
        std::shuffle(r.facilities.begin(), r.facilities.end(), rng);
        EXPECT_EQ(fingerprint(route(r)), fingerprint(d));
        if (HasFailure()) {
            ADD_FAILURE() << "decision: " << fingerprint(d);
            break;
        }
    }
    // The generator reaches every rule.
    for (const char* rule :
         {"complete-stock single facility", "split", "split with waiting room",
          "split with short pick", "no split: whole order waits", "no split: short pick",
          "not routable", "waiting room off: backorder reservation"}) {
        EXPECT_GT(rules[rule], 0) << rule;
    }
}

TEST(Property, LargeRandomOrdersKeepInvariants) {
    std::mt19937 rng(4242);
    for (int round = 0; round < 300; ++round) {
        RoutingRequest r = request();
        r.consumer = kBerlin;
        const int facilities = pick(rng, 5, 30);
        for (int f = 0; f < facilities; ++f) {
            r.facilities.push_back(facility(
                "fc" + std::to_string(f),
                Location{47.0 + pick(rng, 0, 800) / 100.0, 6.0 + pick(rng, 0, 900) / 100.0}));
        }
        const int articles = pick(rng, 3, 25);
        for (int l = 0; l < pick(rng, 8, 40); ++l) {
            r.lines.push_back(
                line(std::to_string(l + 1), "sku" + std::to_string(pick(rng, 0, articles - 1)),
                     pick(rng, 1, 3),
                     chance(rng, 0.1) ? std::optional<std::string>("kit") : std::nullopt));
        }
        for (int f = 0; f < facilities; ++f) {
            for (int a = 0; a < articles; ++a) {
                if (chance(rng, 0.5)) {
                    Offer o =
                        offer("fc" + std::to_string(f), "sku" + std::to_string(a), pick(rng, 0, 4));
                    if (chance(rng, 0.1)) {
                        o.behaviour = OutOfStockBehaviour::Backorder;
                    }
                    r.offers.push_back(o);
                }
            }
        }
        r.strategy.max_split_count = pick(rng, 1, 5);
        r.strategy.complete_stock_fence_active = chance(rng, 0.7);
        SCOPED_TRACE("round " + std::to_string(round));
        const RoutingDecision d = route(r);
        check_invariants(r, d);
        if (HasFailure()) {
            ADD_FAILURE() << "decision: " << fingerprint(d);
        }
        std::shuffle(r.offers.begin(), r.offers.end(), rng);
        std::shuffle(r.facilities.begin(), r.facilities.end(), rng);
        EXPECT_EQ(fingerprint(route(r)), fingerprint(d));
        if (HasFailure()) {
            break;
        }
    }
}

// SPEC §3 rule 2: short units join a routed plan; they open a plan of their own (routed or
// NOT_ROUTABLE) only when the decision routes nothing else. The generator must reach decisions
// with short lines next to other units, or the check proves nothing.
TEST(Property, ShortUnitsNeverOpenAPlanOfTheirOwnNextToRoutedPlans) {
    std::mt19937 rng(20261201);
    int short_next_to_served = 0;
    for (int round = 0; round < 5000; ++round) {
        const RoutingRequest r = generate(rng);
        const RoutingDecision d = route(r);
        SCOPED_TRACE("round " + std::to_string(round) + ": " + fingerprint(d));
        for (const std::string& violation : short_pick_violations(r, d)) {
            ADD_FAILURE() << violation;
        }
        bool any_short = false;
        bool any_full = false;
        for (const PlannedPart& p : d.parts) {
            for (const PlannedLine& l : p.lines) {
                const bool routed = p.status == PlanStatus::Routed;
                any_short = any_short || (routed && l.short_quantity > 0);
                any_full = any_full || (routed && l.short_quantity == 0);
            }
        }
        short_next_to_served += any_short && any_full ? 1 : 0;
        if (HasFailure()) {
            break;
        }
    }
    EXPECT_GT(short_next_to_served, 100);
}

// Brute force of rule 2's objective: every assignment of units to "not served" or a facility,
// at most cap facilities, complete stock per facility, within the budget.
struct Best {
    int served = -1;
    std::size_t parts = 0;
    double penalty = 0;
    std::vector<std::size_t> set;  // facilities, ascending: the smallest among equal values
};

Best brute_force(const detail::Model& m, std::size_t cap) {
    const std::size_t n = m.units.size();
    const std::size_t nf = m.facility_count();
    const std::size_t na = m.article_count();
    Best best;
    std::vector<std::size_t> choice(n, 0);  // 0 = not served, f + 1 = facility f
    while (true) {
        std::vector<std::int64_t> at(nf * na, 0);
        std::vector<std::int64_t> total(na, 0);
        std::set<std::size_t> used;
        int served = 0;
        bool ok = true;
        for (std::size_t u = 0; u < n && ok; ++u) {
            if (choice[u] == 0) {
                continue;
            }
            const std::size_t f = choice[u] - 1;
            used.insert(f);
            ++served;
            for (const detail::Demand& d : m.units[u].demand) {
                at[f * na + d.article] += d.quantity;
                total[d.article] += d.quantity;
                ok = ok && m.cell(f, d.article).candidate &&
                     at[f * na + d.article] <= m.cell(f, d.article).available &&
                     total[d.article] <= m.budget[d.article];
            }
        }
        if (ok && used.size() <= cap) {
            double penalty = 0;
            for (std::size_t f : used) {
                penalty += m.penalty[f];
            }
            const std::vector<std::size_t> set(used.begin(), used.end());
            const bool better =
                served > best.served ||
                (served == best.served && (used.size() < best.parts ||
                                           (used.size() == best.parts &&
                                            (penalty < best.penalty - 1e-9 ||
                                             (penalty <= best.penalty + 1e-9 && set < best.set)))));
            if (better) {
                best = Best{served, used.size(), penalty, set};
            }
        }
        std::size_t i = 0;
        while (i < n && choice[i] == nf) {
            choice[i++] = 0;
        }
        if (i == n) {
            break;
        }
        ++choice[i];
    }
    return best;
}

TEST(Property, ExactSplitSearchMatchesBruteForce) {
    std::mt19937 rng(99);
    int compared = 0;
    for (int round = 0; round < 600; ++round) {
        RoutingRequest r = generate(rng);
        if (r.lines.size() > 6 || r.facilities.size() > 5) {
            continue;
        }
        const detail::Model m = detail::build_model(r);
        const auto cap = static_cast<std::size_t>(std::max(1, r.strategy.max_split_count));
        const detail::SplitChoice choice = detail::choose_split(m, cap);
        ASSERT_TRUE(choice.exact);
        const Best expected = brute_force(m, cap);
        int served = 0;
        double penalty = 0;
        for (const detail::SplitPart& p : choice.parts) {
            served += static_cast<int>(p.units.size());
            penalty += m.penalty[p.facility];
        }
        SCOPED_TRACE("round " + std::to_string(round));
        EXPECT_EQ(served, expected.served);
        if (served > 0) {
            EXPECT_EQ(choice.parts.size(), expected.parts);
            EXPECT_NEAR(penalty, expected.penalty, 1e-6);
        }
        ++compared;
    }
    EXPECT_GT(compared, 200);
}

// Many facilities that copy or hold less than others (what the exact search leaves out as
// dominated at hundreds of facilities), often at equal distances: the search still finds
// the optimum, and without a consumer location (all penalties equal) the same set.
TEST(Property, ExactSplitSearchWithDominatedFacilitiesMatchesBruteForce) {
    std::mt19937 rng(5150);
    for (int round = 0; round < 300; ++round) {
        RoutingRequest r = request();
        const bool located = chance(rng, 0.5);
        if (located) {
            r.consumer = kBerlin;
        }
        const int articles = pick(rng, 1, 4);
        const int bases = pick(rng, 1, 3);
        const int facilities = bases + pick(rng, 1, 5);
        std::vector<std::vector<int>> stock(static_cast<std::size_t>(facilities));
        for (int f = 0; f < facilities; ++f) {
            const Location where{52.0 + pick(rng, 0, 2), 13.0};  // few distinct distances
            r.facilities.push_back(facility("f" + std::to_string(f), where));
            auto& held = stock[static_cast<std::size_t>(f)];
            for (int a = 0; a < articles; ++a) {
                // A copy of a base facility, or less of it.
                const int base = f < bases ? -1 : pick(rng, 0, bases - 1);
                const int from =
                    base < 0 ? pick(rng, 0, 3)
                             : stock[static_cast<std::size_t>(base)][static_cast<std::size_t>(a)];
                held.push_back(base < 0 || chance(rng, 0.6) ? from : pick(rng, 0, from));
                r.offers.push_back(
                    offer("f" + std::to_string(f), "sku" + std::to_string(a), held.back()));
            }
        }
        const int lines = pick(rng, 1, 5);
        for (int l = 0; l < lines; ++l) {
            r.lines.push_back(line("L" + std::to_string(l + 1),
                                   "sku" + std::to_string(pick(rng, 0, articles - 1)),
                                   pick(rng, 1, 2)));
        }
        const auto cap = static_cast<std::size_t>(pick(rng, 1, 3));
        const detail::Model m = detail::build_model(r);
        const detail::SplitChoice choice = detail::choose_split(m, cap);
        const Best expected = brute_force(m, cap);
        SCOPED_TRACE("round " + std::to_string(round));
        ASSERT_TRUE(choice.exact);
        int served = 0;
        double penalty = 0;
        std::vector<std::size_t> set;
        for (const detail::SplitPart& p : choice.parts) {
            served += static_cast<int>(p.units.size());
            penalty += m.penalty[p.facility];
            set.push_back(p.facility);
        }
        EXPECT_EQ(served, expected.served);
        if (served > 0) {
            EXPECT_EQ(choice.parts.size(), expected.parts);
            EXPECT_NEAR(penalty, expected.penalty, 1e-6);
            if (!located) {
                EXPECT_EQ(set, expected.set);
            }
        }
        if (HasFailure()) {
            break;
        }
    }
}

}  // namespace
}  // namespace waitroom::core::testing
