// decision_violations() (decision_invariants.hpp) is what the property tests and the router
// fuzzer rely on: it must report a decision that breaks an invariant.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "decision_invariants.hpp"
#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

RoutingRequest two_lines_in_berlin() {
    RoutingRequest r = request();
    r.facilities = {facility("berlin", kBerlin)};
    r.offers = {offer("berlin", "sku-1", 5), offer("berlin", "sku-2", 1)};
    r.lines = {line("1", "sku-1", 2), line("2", "sku-2", 1)};
    return r;
}

TEST(DecisionInvariants, HoldForTheRoutersDecision) {
    const RoutingRequest r = two_lines_in_berlin();
    EXPECT_TRUE(decision_violations(r, route(r)).empty());
}

TEST(DecisionInvariants, ReportTamperedDecisions) {
    const RoutingRequest r = two_lines_in_berlin();
    const RoutingDecision good = route(r);
    ASSERT_EQ(describe(good), "R:berlin{1=2,2=1}");

    RoutingDecision oversell = good;
    oversell.parts[0].lines[1].quantity = 2;
    EXPECT_FALSE(decision_violations(r, oversell).empty());

    RoutingDecision lost = good;
    lost.parts[0].lines[0].quantity = 1;
    EXPECT_FALSE(decision_violations(r, lost).empty());

    RoutingDecision missing = good;
    missing.parts[0].lines.pop_back();
    EXPECT_FALSE(decision_violations(r, missing).empty());

    RoutingDecision offline = good;
    offline.parts[0].facility_ref = "munich";
    EXPECT_FALSE(decision_violations(r, offline).empty());
}

// `decision` with the last line of its first part moved to a part of its own.
RoutingDecision last_line_apart(RoutingDecision decision, PlanStatus status,
                                std::optional<std::string> facility_ref, std::int64_t quantity,
                                std::int64_t short_quantity) {
    PlannedPart apart;
    apart.status = status;
    apart.facility_ref = std::move(facility_ref);
    apart.lines = {decision.parts[0].lines.back()};
    apart.lines[0].quantity = quantity;
    apart.lines[0].short_quantity = short_quantity;
    decision.parts[0].lines.pop_back();
    decision.parts.push_back(apart);
    return decision;
}

// The SPEC §3 rule 2 examples as the router decided them before short units joined the routed
// plan (F1 has a=5, F2 has b=1, no facility has c).
TEST(DecisionInvariants, ReportShortUnitsInAPlanOfTheirOwn) {
    RoutingRequest r = request();
    r.facilities = {facility("F1"), facility("F2")};
    r.offers = {offer("F1", "a", 5), offer("F2", "b", 1)};
    r.lines = {line("1", "a", 1), line("2", "b", 2)};
    const RoutingDecision good = route(r);
    ASSERT_EQ(describe(good), "R:F1{1=1,2=0/2}");
    EXPECT_TRUE(decision_violations(r, good).empty());

    const RoutingDecision second_plan = last_line_apart(good, PlanStatus::Routed, "F2", 1, 1);
    ASSERT_EQ(describe(second_plan), "R:F1{1=1} R:F2{2=1/1}");
    EXPECT_FALSE(short_pick_violations(r, second_plan).empty());
    EXPECT_FALSE(decision_violations(r, second_plan).empty());

    const RoutingDecision not_routable =
        last_line_apart(good, PlanStatus::NotRoutable, std::nullopt, 2, 0);
    ASSERT_EQ(describe(not_routable), "R:F1{1=1} N{2=2}");
    EXPECT_FALSE(short_pick_violations(r, not_routable).empty());
}

}  // namespace
}  // namespace waitroom::core::testing
