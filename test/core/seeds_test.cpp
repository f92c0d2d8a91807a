// The seed system's scenarios (shared/seeds: "Order split with preorderable and backorderable
// items") as router decisions. One facility "berlin"; default strategy unless stated.
#include <gtest/gtest.h>

#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

RoutingRequest seed_order() {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.facilities = {facility("berlin", kBerlin), facility("munich", kMunich)};
    r.lines = {line("1", "shirt", 1), line("2", "console", 1), line("3", "game", 2)};
    r.offers = {offer("berlin", "shirt", 5), preorder("berlin", "console", 0, kNow + 24 * kHour),
                backorder("berlin", "game"), offer("munich", "shirt", 5)};
    return r;
}

TEST(Seeds, SplitWithPreBackorderableItemsMovesMissingItemsToWaitingRoom) {
    const RoutingDecision d = route(seed_order());
    EXPECT_EQ(describe(d), "R:berlin{1=1} W{2=1,3=2}");
    EXPECT_EQ(d.rule, "split with waiting room");
}

TEST(Seeds, SplitWithNonPreBackorderableItemsIsShortPick) {
    RoutingRequest r = seed_order();
    r.offers = {offer("berlin", "shirt", 5), offer("berlin", "console", 1),
                offer("berlin", "game", 0), offer("munich", "game", 1)};
    const RoutingDecision d = route(r);
    // Console is there, game only 1 of 2 at munich: berlin takes shirt + console, and the
    // missing games are not picked (munich's single game opens no second plan).
    EXPECT_EQ(describe(d), "R:berlin{1=1,2=1,3=0/2}");
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Seeds, SplitWithNonPreBackorderableItemsShortPicksInExistingPart) {
    RoutingRequest r = seed_order();
    r.offers = {offer("berlin", "shirt", 5), offer("berlin", "console", 1),
                offer("berlin", "game", 1)};
    EXPECT_EQ(describe(route(r)), "R:berlin{1=1,2=1,3=1/1}");
}

TEST(Seeds, BundleWithMissingItemWaitsWhole) {
    RoutingRequest r = seed_order();
    r.lines = {line("1", "shirt", 1), line("2", "console", 1, "bundle-1"),
               line("3", "controller", 1, "bundle-1")};
    r.offers = {offer("berlin", "shirt", 5), offer("berlin", "console", 3),
                backorder("berlin", "controller")};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:berlin{1=1} W{2=1,3=1}");
}

TEST(Seeds, SplitOffWholeOrderWaits) {
    RoutingRequest r = seed_order();
    r.strategy = split_off();
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "W{1=1,2=1,3=2}");
    EXPECT_EQ(d.rule, "no split: whole order waits");
}

TEST(Seeds, WaitingRoomOffReservesPreAndBackordersAtTheFacility) {
    RoutingRequest r = seed_order();
    r.strategy = waiting_room_off();
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:berlin{1=1,2=1*,3=2*}");
    EXPECT_EQ(d.rule, "waiting room off: backorder reservation");
}

TEST(Seeds, WaitingRoomFlagWithFenceInactiveStillWaits) {
    RoutingRequest r = seed_order();
    r.strategy = waiting_room_off();
    r.strategy.use_waiting_room_for_pre_back_order_items = true;
    EXPECT_EQ(describe(route(r)), "R:berlin{1=1} W{2=1,3=2}");
}

TEST(Seeds, PreorderReleasedIsRoutedOnceItsTimeCame) {
    RoutingRequest r = seed_order();
    r.offers = {offer("berlin", "shirt", 5), preorder("berlin", "console", 4, kNow + kHour),
                backorder("berlin", "game", 2)};
    EXPECT_EQ(describe(route(r)), "R:berlin{1=1,3=2} W{2=1}");
    r.now = kNow + kHour;  // release_due at the pre-order time
    EXPECT_EQ(describe(route(r)), "R:berlin{1=1,2=1,3=2}");
}

}  // namespace
}  // namespace waitroom::core::testing
