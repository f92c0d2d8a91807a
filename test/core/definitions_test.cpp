// SPEC §3 "Definitions": units and bundles, candidates, availability, penalties.
#include <gtest/gtest.h>

#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

TEST(Units, BundleIsRoutedAsOneUnitAndShortPickedTogether) {
    // Nobody has A and B together, so the bundle {1,2} is never served in full; it stays in
    // one part (short-picked where line 3's part has B) instead of being split over f1/f2.
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1, "kit"), line("2", "B", 1, "kit"), line("3", "C", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 5), offer("f2", "B", 5), offer("f2", "C", 5)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:f2{1=0/1,2=1,3=1}");
    EXPECT_EQ(d.rule, "split with short pick");
}

TEST(Units, BundleLinesNeedNotBeAdjacentAndUnitOrderIsFirstLine) {
    // Bundle {1,3} and line 2 go to different facilities; the part holding line 1 comes first
    // and its lines keep request order.
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1, "kit"), line("2", "C", 1), line("3", "B", 1, "kit")};
    r.facilities = {facility("a-fc"), facility("b-fc")};
    r.offers = {offer("b-fc", "A", 5), offer("b-fc", "B", 5), offer("a-fc", "C", 5)};
    EXPECT_EQ(describe(route(r)), "R:b-fc{1=1,3=1} R:a-fc{2=1}");
}

TEST(Units, TwoBundlesAreSeparateUnits) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1, "x"), line("2", "B", 1, "x"), line("3", "A", 1, "y"),
               line("4", "B", 1, "y")};
    r.facilities = {facility("f1"), facility("f2")};
    // Each facility can serve one bundle (one A and one B each), not both.
    r.offers = {offer("f1", "A", 1), offer("f1", "B", 1), offer("f2", "A", 1), offer("f2", "B", 1)};
    EXPECT_EQ(describe(route(r)), "R:f1{1=1,2=1} R:f2{3=1,4=1}");
}

TEST(Candidates, SuspendedFacilityIsNotACandidate) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("berlin", kBerlin, FacilityStatus::Suspended),
                    facility("munich", kMunich)};
    r.offers = {offer("berlin", "A", 5), offer("munich", "A", 5)};
    EXPECT_EQ(describe(route(r)), "R:munich{1=1}");
}

TEST(Candidates, OfflineFacilityIsNotACandidate) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a", std::nullopt, FacilityStatus::Offline), facility("b")};
    r.offers = {offer("a", "A", 5), offer("b", "A", 5)};
    EXPECT_EQ(describe(route(r)), "R:b{1=1}");
}

TEST(Candidates, InactiveListingIsNotACandidate) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a"), facility("b")};
    Offer inactive = offer("a", "A", 5);
    inactive.listing_status = ListingStatus::Inactive;
    r.offers = {inactive, offer("b", "A", 5)};
    EXPECT_EQ(describe(route(r)), "R:b{1=1}");
}

TEST(Candidates, StockWithoutListingIsNotACandidate) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a"), facility("b")};
    Offer unlisted = offer("a", "A", 5);
    unlisted.has_listing = false;
    r.offers = {unlisted, offer("b", "A", 5)};
    EXPECT_EQ(describe(route(r)), "R:b{1=1}");
}

TEST(Candidates, OnlyNonCandidatesHaveStockMeansNotRoutable) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a", std::nullopt, FacilityStatus::Suspended)};
    r.offers = {offer("a", "A", 5)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "N{1=1}");
    EXPECT_EQ(d.rule, "not routable");
}

TEST(Candidates, BackorderListingAtNonCandidateDoesNotMakeLineWait) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a", std::nullopt, FacilityStatus::Offline)};
    r.offers = {backorder("a", "A")};
    EXPECT_EQ(describe(route(r)), "N{1=1}");
}

TEST(Candidates, OfferForUnknownFacilityIsIgnored) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("b")};
    r.offers = {offer("ghost", "A", 5), offer("b", "A", 1)};
    EXPECT_EQ(describe(route(r)), "R:b{1=1}");
}

TEST(Availability, ReservedIsSubtracted) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("berlin", kBerlin), facility("munich", kMunich)};
    r.offers = {offer("berlin", "A", 5, OutOfStockBehaviour::None, 4), offer("munich", "A", 2)};
    EXPECT_EQ(describe(route(r)), "R:munich{1=2}");
}

TEST(Availability, OverReservedClampsToZeroAndDoesNotEatOtherFacilities) {
    // a: on_hand 1, reserved 3 -> available 0 (not -2). Unclamped, the STRICT_FIFO total
    // (1 - 3 + 2 = 0) would leave nothing for b.
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("a"), facility("b")};
    r.offers = {offer("a", "A", 1, OutOfStockBehaviour::None, 3), offer("b", "A", 2)};
    r.held_back = {{"A", 0}};
    EXPECT_EQ(describe(route(r)), "R:b{1=2}");
}

TEST(Availability, PreorderBeforeReleaseCountsZero) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a")};
    r.offers = {preorder("a", "A", 10, kNow + 1)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "W{1=1}");
}

TEST(Availability, PreorderAtOrAfterReleaseCountsItsStock) {
    for (const Timestamp from : {kNow, kNow - kHour}) {
        RoutingRequest r = request();
        r.lines = {line("1", "A", 1)};
        r.facilities = {facility("a")};
        r.offers = {preorder("a", "A", 10, from)};
        EXPECT_EQ(describe(route(r)), "R:a{1=1}");
    }
}

TEST(Availability, BackorderListingWithStockServesFromStock) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("a")};
    r.offers = {backorder("a", "A", 2)};
    EXPECT_EQ(describe(route(r)), "R:a{1=2}");
}

TEST(Availability, TwoLinesOfOneArticleAddUp) {
    // near has 3 of A: enough for each line alone but not for both (2 + 2).
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 2), line("2", "A", 2)};
    r.facilities = {facility("near", kBerlin), facility("far", kMunich)};
    r.offers = {offer("near", "A", 3), offer("far", "A", 4)};
    const RoutingDecision d = route(r);
    EXPECT_EQ(describe(d), "R:far{1=2,2=2}");
    EXPECT_EQ(d.rule, "complete-stock single facility");
}

TEST(Availability, TwoLinesOfOneArticleInOneBundleAddUp) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2, "k"), line("2", "A", 2, "k")};
    r.facilities = {facility("a"), facility("b")};
    r.offers = {offer("a", "A", 3), offer("b", "A", 3)};
    // No facility has 4: the bundle is short-picked as a whole at the facility with most (a).
    EXPECT_EQ(describe(route(r)), "R:a{1=2,2=1/1}");
}

TEST(Penalty, DistanceKmIsHaversine) {
    EXPECT_NEAR(distance_km(kBerlin, kMunich), 504.0, 2.0);
    EXPECT_NEAR(distance_km(kBerlin, kHamburg), 255.0, 2.0);
    EXPECT_DOUBLE_EQ(distance_km(kBerlin, kBerlin), 0.0);
    EXPECT_NEAR(distance_km(Location{0, 0}, Location{0, 180}), 6371.0 * 3.14159265358979, 0.01);
}

}  // namespace
}  // namespace waitroom::core::testing
