// SPEC §3 rules 1-5, each as its own test, with concrete facilities and quantities.
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

using B = OutOfStockBehaviour;

// ---- rule 1 ----------------------------------------------------------------------------------

TEST(Rule1, SingleFacilityWithCompleteStockLowestDistanceWins) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 2), line("2", "B", 1)};
    r.facilities = {facility("munich", kMunich), facility("hamburg", kHamburg),
                    facility("berlin", kBerlin)};
    r.offers = {offer("munich", "A", 9),  offer("munich", "B", 9), offer("hamburg", "A", 2),
                offer("hamburg", "B", 1), offer("berlin", "A", 1), offer("berlin", "B", 9)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:hamburg{1=2,2=1}");  // berlin lacks one A
    EXPECT_EQ(d.rule, "complete-stock single facility");
}

TEST(Rule1, EqualDistanceTieBrokenByRef) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("zz", kHamburg), facility("mm", kHamburg), facility("far", kMunich)};
    r.offers = {offer("zz", "A", 1), offer("mm", "A", 1), offer("far", "A", 1)};
    EXPECT_EQ(describe(route(r)), "R:mm{1=1}");
}

TEST(Rule1, UnknownConsumerTieBrokenByRef) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("zeta", kBerlin), facility("alpha", kMunich)};
    r.offers = {offer("zeta", "A", 1), offer("alpha", "A", 1)};
    EXPECT_EQ(describe(route(r)), "R:alpha{1=1}");
}

TEST(Rule1, FacilityWithoutLocationRanksLast) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("aaa-nowhere"), facility("munich", kMunich)};
    r.offers = {offer("aaa-nowhere", "A", 1), offer("munich", "A", 1)};
    EXPECT_EQ(describe(route(r)), "R:munich{1=1}");
    r.offers = {offer("aaa-nowhere", "A", 1), offer("munich", "A", 0)};
    EXPECT_EQ(describe(route(r)), "R:aaa-nowhere{1=1}");
}

TEST(Rule1, AppliesWithSplitOffAndWaitingRoomOff) {
    for (const Strategy& s : {split_off(), waiting_room_off()}) {
        RoutingRequest r = request();
        r.strategy = s;
        r.lines = {line("1", "A", 1), line("2", "B", 1)};
        r.facilities = {facility("a"), facility("b")};
        r.offers = {offer("a", "A", 1), offer("b", "A", 1), offer("b", "B", 1)};
        EXPECT_EQ(describe(route(r)), "R:b{1=1,2=1}");
    }
}

// ---- rule 2 ----------------------------------------------------------------------------------

TEST(Rule2, SplitUsesFewestParts) {
    // Three near single-article facilities would serve everything with 3 parts at a lower
    // summed distance; two parts win (fewest plans before penalty).
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("hamburg", kHamburg), facility("munich", kMunich),
                    facility("b1", kBerlin), facility("b2", kBerlin), facility("b3", kBerlin)};
    r.offers = {offer("hamburg", "A", 1), offer("hamburg", "B", 1), offer("munich", "C", 1),
                offer("b1", "A", 1),      offer("b2", "B", 1),      offer("b3", "C", 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:hamburg{1=1,2=1} R:b3{3=1}");
    EXPECT_EQ(d.rule, "split");
}

TEST(Rule2, SplitChoosesLowestSummedPenalty) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    r.facilities = {facility("a-near", kPotsdam), facility("a-far", kMunich),
                    facility("b-near", kBerlin), facility("b-far", kHamburg)};
    r.offers = {offer("a-near", "A", 1), offer("a-far", "A", 1), offer("b-near", "B", 1),
                offer("b-far", "B", 1)};
    EXPECT_EQ(describe(route(r)), "R:a-near{1=1} R:b-near{2=1}");
}

TEST(Rule2, SplitPenaltyIsSummedOverParts) {
    // {hamburg(A,B), potsdam(C)} = 255 + 27 km beats {berlin(A), munich(B,C)} = 0 + 504 km,
    // although berlin is the nearest facility with A.
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("berlin", kBerlin), facility("munich", kMunich),
                    facility("hamburg", kHamburg), facility("potsdam", kPotsdam)};
    r.offers = {offer("berlin", "A", 1),  offer("munich", "B", 1),  offer("munich", "C", 1),
                offer("hamburg", "A", 1), offer("hamburg", "B", 1), offer("potsdam", "C", 1)};
    EXPECT_EQ(describe(route(r)), "R:hamburg{1=1,2=1} R:potsdam{3=1}");
}

TEST(Rule2, MaxSplitCountCapsRoutedParts) {
    // Three articles at three facilities, cap 2: the two nearest are used; C is pre/backorderable
    // at the third and waits.
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.strategy.max_split_count = 2;
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("berlin", kBerlin), facility("hamburg", kHamburg),
                    facility("munich", kMunich)};
    r.offers = {offer("berlin", "A", 1), offer("hamburg", "B", 1), backorder("munich", "C", 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:berlin{1=1} R:hamburg{2=1} W{3=1}");
    EXPECT_EQ(d.rule, "split with waiting room");
}

TEST(Rule2, MaxSplitCountOneServesTheMostUnits) {
    RoutingRequest r = request();
    r.strategy.max_split_count = 1;
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), offer("f2", "B", 1), offer("f2", "C", 1)};
    // f2 serves two units; A is short: f1 has it but the cap is reached -> all short at f2.
    EXPECT_EQ(describe(route(r)), "R:f2{1=0/1,2=1,3=1}");
}

TEST(Rule2, ExactSearchBeatsGreedyCoverage) {
    // f-big serves 4 units, but {f-left, f-right} serve all 6 with two parts.
    RoutingRequest r = request();
    for (int i = 1; i <= 6; ++i) {
        r.lines.push_back(line(std::to_string(i), "A" + std::to_string(i), 1));
    }
    r.facilities = {facility("f-big"), facility("f-left"), facility("f-right")};
    for (int i : {2, 3, 4, 5}) {
        r.offers.push_back(offer("f-big", "A" + std::to_string(i), 1));
    }
    for (int i : {1, 2, 3}) {
        r.offers.push_back(offer("f-left", "A" + std::to_string(i), 1));
    }
    for (int i : {4, 5, 6}) {
        r.offers.push_back(offer("f-right", "A" + std::to_string(i), 1));
    }
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f-left{1=1,2=1,3=1} R:f-right{4=1,5=1,6=1}");
    EXPECT_EQ(d.rule, "split");
}

TEST(Rule2, SharedArticleStockIsSplitAcrossFacilities) {
    // Two lines of A (2 each): a has 3, b has 2; earliest unit goes to the first facility.
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2), line("2", "A", 2)};
    r.facilities = {facility("b"), facility("a")};
    r.offers = {offer("b", "A", 2), offer("a", "A", 3)};
    EXPECT_EQ(describe(route(r)), "R:a{1=2} R:b{2=2}");
}

TEST(Rule2, LeftoverPreBackorderableWaitsWhenWaitingRoomOn) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 3), backorder("f2", "B")};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f1{1=1} W{2=1}");
    EXPECT_EQ(d.rule, "split with waiting room");
}

TEST(Rule2, LeftoverShortPickedAtRoutedPartWithMostOfIt) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2), line("2", "B", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), offer("f1", "B", 1), offer("f2", "A", 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f1{1=1/1,2=1}");
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Rule2, LeftoverShortPickWithoutRoutedPartGoesToFacilityWithMost) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 3)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), offer("f2", "A", 2)};
    EXPECT_EQ(describe(route(r)), "R:f2{1=2/1}");
}

TEST(Rule2, LeftoversNobodyHasAllJoinTheRoutedPlan) {
    // A listing with no stock (X) or none at all (Y): short in full, next to the routed A.
    RoutingRequest r = request();
    r.lines = {line("1", "X", 4), line("2", "A", 1), line("3", "Y", 2)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 1), offer("f1", "X", 0)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f1{1=0/4,2=1,3=0/2}");
}

TEST(Rule2, PartsOrderedRoutedByFirstLineThenWaitingThenNotRoutable) {
    RoutingRequest r = request();
    r.lines = {line("1", "N", 1), line("2", "W", 1), line("3", "A", 1), line("4", "B", 1)};
    r.facilities = {facility("a"), facility("b")};
    r.offers = {offer("b", "A", 1), offer("a", "B", 1), backorder("a", "W")};
    // N (nobody has it) joins a routed plan: neither has any, equal penalty, so ref "a".
    EXPECT_EQ(describe(route(r)), "R:a{1=0/1,4=1} R:b{3=1} W{2=1}");
    // Nothing routed: the units nobody has are NOT_ROUTABLE, after the waiting part.
    r.offers = {backorder("a", "W")};
    EXPECT_EQ(describe(route(r)), "W{2=1} N{1=1,3=1,4=1}");
}

// ---- rule 2: short picks, the SPEC's examples (split active, cap 3, nothing pre/back) ----------

// F1 has a=5, F2 has b=1, no facility has c.
RoutingRequest short_pick_example(std::vector<Line> lines) {
    RoutingRequest r = request();
    r.lines = std::move(lines);
    r.facilities = {facility("F1"), facility("F2")};
    r.offers = {offer("F1", "a", 5), offer("F2", "b", 1)};
    return r;
}

TEST(Rule2ShortPick, UnitNoFacilityHasJoinsTheRoutedPlan) {
    const RoutingDecision d = route(short_pick_example({line("1", "a", 1), line("2", "c", 2)}));
    EXPECT_EQ(describe(d), "R:F1{1=1,2=0/2}");  // no NOT_ROUTABLE plan
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Rule2ShortPick, UnitAnotherFacilityHasPartOfOpensNoSecondPlan) {
    const RoutingDecision d = route(short_pick_example({line("1", "a", 1), line("2", "b", 2)}));
    EXPECT_EQ(describe(d), "R:F1{1=1,2=0/2}");  // F2's single b opens no plan
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Rule2ShortPick, WithoutRoutedPlanTheFacilityWithMostPicksWhatItHas) {
    const RoutingDecision d = route(short_pick_example({line("1", "b", 2)}));
    EXPECT_EQ(describe(d), "R:F2{1=1/1}");
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Rule2ShortPick, WithoutRoutedPlanAndNothingAnywhereIsNotRoutable) {
    const RoutingDecision d = route(short_pick_example({line("1", "c", 2)}));
    EXPECT_EQ(describe(d), "N{1=2}");
    EXPECT_EQ(d.rule, "not routable");
}

TEST(Rule2ShortPick, WithoutRoutedPlanAllShortUnitsGoToTheOneFacilityWithMost) {
    // Nobody serves a unit fully. F1 has the most of a (2), but F2 has the most of both
    // together (1 + 2): one plan at F2, not one per unit.
    RoutingRequest r = request();
    r.lines = {line("1", "a", 3), line("2", "b", 3)};
    r.facilities = {facility("F1"), facility("F2")};
    r.offers = {offer("F1", "a", 2), offer("F2", "a", 1), offer("F2", "b", 2)};
    EXPECT_EQ(describe(route(r)), "R:F2{1=1/2,2=2/1}");
}

TEST(Rule2ShortPick, Rule4PlansCountTowardTheCap) {
    // Waiting room off, cap 1: F1 takes a; b could only be reserved at F2 (BACKORDER listing),
    // which would be a second routed plan, so b is short at F1.
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.strategy.max_split_count = 1;
    r.lines = {line("1", "a", 1), line("2", "b", 1)};
    r.facilities = {facility("F1"), facility("F2")};
    r.offers = {offer("F1", "a", 5), backorder("F2", "b")};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:F1{1=1,2=0/1}");
    EXPECT_EQ(d.rule, "split with short pick");
}

// ---- rule 3 ----------------------------------------------------------------------------------

TEST(Rule3, SplitOffMissingPreBackorderableItemMakesWholeOrderWait) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 5), backorder("f1", "B")};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "W{1=1,2=1}");
    EXPECT_EQ(d.rule, "no split: whole order waits");
}

TEST(Rule3, SplitOffRoutesToFacilityServingMostUnitsWithShortPick) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 3)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), offer("f1", "B", 1), offer("f1", "C", 1), offer("f2", "C", 3)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f1{1=1,2=1,3=1/2}");
    EXPECT_EQ(d.rule, "no split: short pick");
}

TEST(Rule3, SplitOffTieOnUnitsBrokenByQuantityThenPenalty) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.strategy = split_off();
    r.lines = {line("1", "A", 1), line("2", "B", 5)};
    r.facilities = {facility("berlin", kBerlin), facility("munich", kMunich),
                    facility("hamburg", kHamburg)};
    // Each serves A only; munich and hamburg also have 2 of B, berlin has none.
    r.offers = {offer("berlin", "A", 1), offer("munich", "A", 1), offer("munich", "B", 2),
                offer("hamburg", "A", 1), offer("hamburg", "B", 2)};
    EXPECT_EQ(describe(route(r)), "R:hamburg{1=1,2=2/3}");
}

TEST(Rule3, SplitOffWaitingRoomOffReservesBackorderAtTheFacility) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.strategy.complete_stock_fence_active = false;
    r.lines = {line("1", "A", 1), line("2", "B", 2)};
    r.facilities = {facility("f1"), facility("f2")};
    // f2 has A too but no listing for B: f1 serves both units (B beyond stock).
    r.offers = {offer("f1", "A", 1), backorder("f1", "B"), offer("f2", "A", 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f1{1=1,2=2*}");
    EXPECT_EQ(d.rule, "waiting room off: backorder reservation");
}

TEST(Rule3, SplitOffNothingAnywhereIsNotRoutable) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.lines = {line("1", "A", 1), line("2", "B", 2)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 0)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "N{1=1,2=2}");
    EXPECT_EQ(d.rule, "not routable");
}

// ---- rule 4 ----------------------------------------------------------------------------------

TEST(Rule4, WaitingRoomOffReservesAtBackorderFacilityPreferringStock) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.strategy = waiting_room_off();
    r.lines = {line("1", "A", 1), line("2", "B", 3)};
    r.facilities = {facility("berlin", kBerlin), facility("hamburg", kHamburg),
                    facility("munich", kMunich)};
    // B: berlin backorders with no stock, munich backorders with 1 in stock -> munich.
    r.offers = {offer("hamburg", "A", 1), backorder("berlin", "B"), backorder("munich", "B", 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:hamburg{1=1} R:munich{2=3*}");
    EXPECT_EQ(d.rule, "waiting room off: backorder reservation");
}

TEST(Rule4, WaitingRoomOffLowestPenaltyAmongEqualStock) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.strategy = waiting_room_off();
    r.lines = {line("1", "B", 3)};
    r.facilities = {facility("munich", kMunich), facility("hamburg", kHamburg)};
    r.offers = {preorder("munich", "B", 0, kNow + kHour), backorder("hamburg", "B")};
    EXPECT_EQ(describe(route(r)), "R:hamburg{1=3*}");
}

TEST(Rule4, JoinsRoutedPartAtSameFacilityButNeverExceedsTheCap) {
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.strategy.max_split_count = 1;
    r.lines = {line("1", "A", 1), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), backorder("f1", "B"), backorder("f2", "C")};
    // B joins f1's part; C could only be reserved at f2, a second part beyond the cap of 1:
    // short at f1 instead.
    EXPECT_EQ(describe(route(r)), "R:f1{1=1,2=1*,3=0/1}");
    r.strategy.max_split_count = 2;  // under the cap, rule 4 opens f2
    EXPECT_EQ(describe(route(r)), "R:f1{1=1,2=1*} R:f2{3=1*}");
}

TEST(Rule4, BundleNeedsBackorderOrStockForEveryLine) {
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.lines = {line("1", "A", 1, "kit"), line("2", "B", 2, "kit")};
    r.facilities = {facility("f1"), facility("f2"), facility("f3")};
    // f1: backorders A, nothing of B. f2: has B, backorders A -> the bundle goes to f2.
    // f3: has both A and B but only 1 of B.
    r.offers = {backorder("f1", "A"), backorder("f2", "A"), offer("f2", "B", 2),
                offer("f3", "A", 1), offer("f3", "B", 1)};
    EXPECT_EQ(describe(route(r)), "R:f2{1=1*,2=2}");
}

TEST(Rule4, WithoutSuitableFacilityFallsBackToShortPick) {
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.lines = {line("1", "A", 1, "kit"), line("2", "B", 2, "kit")};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {backorder("f1", "A"), offer("f2", "B", 1)};
    EXPECT_EQ(describe(route(r)), "R:f2{1=0/1,2=1/1}");
}

TEST(Rule4, WaitingRoomFlagKeepsWaitingRoomOnWithoutFence) {
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.strategy.use_waiting_room_for_pre_back_order_items = true;
    r.lines = {line("1", "B", 1)};
    r.facilities = {facility("f1")};
    r.offers = {backorder("f1", "B")};
    EXPECT_EQ(describe(route(r)), "W{1=1}");
}

TEST(Rule4, StaticFenceWithoutFlagIsWaitingRoomOff) {
    RoutingRequest r = request();
    r.strategy.complete_stock_fence_mode = FenceMode::Static;
    r.lines = {line("1", "B", 1)};
    r.facilities = {facility("f1")};
    r.offers = {backorder("f1", "B")};
    EXPECT_EQ(describe(route(r)), "R:f1{1=1*}");
}

// ---- rule 5 ----------------------------------------------------------------------------------

TEST(Rule5, NothingAvailableAnywhereIsOneNotRoutablePart) {
    for (const bool split : {true, false}) {
        RoutingRequest r = request();
        r.strategy.order_split_active = split;
        r.lines = {line("1", "A", 1), line("2", "B", 2, "k"), line("3", "C", 1, "k")};
        r.facilities = {facility("f1"), facility("f2")};
        r.offers = {offer("f1", "A", 0), offer("f2", "B", 0, OutOfStockBehaviour::None, 2)};
        const RoutingDecision d = route(r);
        EXPECT_EQ(describe(d), "N{1=1,2=2,3=1}");
        EXPECT_EQ(d.rule, "not routable");
    }
}

TEST(Rule5, NoFacilitiesAtAllIsNotRoutable) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    EXPECT_EQ(describe(route(r)), "N{1=1}");
}

// ---- STRICT_FIFO budget -----------------------------------------------------------------------

TEST(StrictFifo, HeldBackLimitsFullService) {
    RoutingRequest r = request();
    r.strategy.waiting_room_priority = WaitingRoomPriority::StrictFifo;
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 3), offer("f2", "A", 0)};
    r.held_back = {{"A", 1}};
    EXPECT_EQ(describe(route(r)), "R:f1{1=2}");
    r.held_back = {{"A", 2}};  // budget 1: only a short pick of 1
    EXPECT_EQ(describe(route(r)), "R:f1{1=1/1}");
    r.held_back = {{"A", 5}};  // budget 0
    EXPECT_EQ(describe(route(r)), "N{1=2}");
}

TEST(StrictFifo, HeldBackCountsAcrossFacilities) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2), line("2", "A", 2)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 2), offer("f2", "A", 2)};
    // Budget 3 of 4: f2 cannot serve the second unit in full although it holds 2; the unit is
    // short in f1's plan (f1 has none left), not a plan of its own at f2.
    r.held_back = {{"A", 1}};
    EXPECT_EQ(describe(route(r)), "R:f1{1=2,2=0/2}");
    r.held_back.clear();
    EXPECT_EQ(describe(route(r)), "R:f1{1=2} R:f2{2=2}");
}

TEST(StrictFifo, HeldBackPreBackorderableWaits) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2), line("2", "B", 1)};
    r.facilities = {facility("f1")};
    r.offers = {backorder("f1", "A", 2), offer("f1", "B", 1)};
    r.held_back = {{"A", 1}};
    EXPECT_EQ(describe(route(r)), "R:f1{2=1} W{1=2}");
}

TEST(StrictFifo, HeldBackForOtherArticleIsIgnored) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 2)};
    r.held_back = {{"Z", 100}};
    EXPECT_EQ(describe(route(r)), "R:f1{1=2}");
}

TEST(StrictFifo, HeldBackBudgetAppliesToRule3ShortPick) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.lines = {line("1", "A", 3), line("2", "B", 1)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 3), offer("f1", "B", 0)};
    r.held_back = {{"A", 2}};
    EXPECT_EQ(describe(route(r)), "R:f1{1=1/2,2=0/1}");
}

// ---- errors ----------------------------------------------------------------------------------

TEST(Errors, EmptyRequestThrowsRoutingError) {
    RoutingRequest r = request();
    EXPECT_THROW(route(r), RoutingError);
}

TEST(Errors, NonPositiveQuantityThrowsRoutingError) {
    for (const std::int64_t q : {0, -1}) {
        RoutingRequest r = request();
        r.lines = {line("1", "A", 1), line("2", "B", q)};
        EXPECT_THROW(route(r), RoutingError);
    }
}

TEST(Errors, DuplicateLineIdThrowsRoutingError) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1), line("1", "B", 1)};
    EXPECT_THROW(route(r), RoutingError);
}

TEST(Errors, DebugThrowInjectsRuntimeError) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.debug_throw = true;
    try {
        route(r);
        FAIL() << "route() did not throw";
    } catch (const RoutingError&) {
        FAIL() << "injected fault must not be a RoutingError";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "waitroom core: injected fault");
    }
}

}  // namespace
}  // namespace waitroom::core::testing
