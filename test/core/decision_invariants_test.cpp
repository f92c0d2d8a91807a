// decision_violations() (decision_invariants.hpp) is what the property tests and the router
// fuzzer rely on: it must report a decision that breaks an invariant.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace waitroom::core::testing
