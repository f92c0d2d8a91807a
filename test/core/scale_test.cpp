// route() at real size (hundreds of facilities) and the behaviour its fast paths must keep:
// offers matched to facilities and articles whatever their order and name length, ties among
// many equal facilities, and units with several lines of one article.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

// 500 facilities (refs ascending), 20 lines of distinct articles, random stock, some
// BACKORDER listings; offers in the glue's order (by facility, then article).
RoutingRequest big_request(std::mt19937& rng, Strategy strategy) {
    RoutingRequest r = request();
    r.strategy = strategy;
    r.consumer = kBerlin;
    std::uniform_int_distribution<int> coin(0, 9);
    for (int f = 0; f < 500; ++f) {
        r.facilities.push_back(facility("fc-" + std::to_string(1000 + f),
                                        Location{47.0 + coin(rng) / 2.0, 6.0 + coin(rng) / 2.0}));
    }
    for (int l = 0; l < 20; ++l) {
        r.lines.push_back(line(std::to_string(l + 1), "sku-" + std::to_string(100 + l),
                               1 + coin(rng) % 3,
                               l % 7 == 0 ? std::optional<std::string>("b") : std::nullopt));
    }
    for (const Facility& fac : r.facilities) {
        for (int l = 0; l < 20; ++l) {
            const auto behaviour =
                l % 5 == 0 ? OutOfStockBehaviour::Backorder : OutOfStockBehaviour::None;
            r.offers.push_back(offer(fac.ref, "sku-" + std::to_string(100 + l),
                                     coin(rng) < 2 ? coin(rng) % 4 : 0, behaviour));
        }
    }
    return r;
}

TEST(Scale, OfferOrderDoesNotMatterAt500Facilities) {
    std::mt19937 rng(8);
    Strategy room_off = waiting_room_off();
    Strategy split_off_room_off = waiting_room_off();
    split_off_room_off.order_split_active = false;
    for (const Strategy& strategy : {Strategy{}, split_off(), room_off, split_off_room_off}) {
        RoutingRequest r = big_request(rng, strategy);
        const std::string expected = fingerprint(route(r));
        // By article, then facility (every guess of the next name misses).
        std::stable_sort(r.offers.begin(), r.offers.end(),
                         [](const Offer& x, const Offer& y) { return x.article < y.article; });
        EXPECT_EQ(fingerprint(route(r)), expected);
        std::reverse(r.offers.begin(), r.offers.end());
        std::reverse(r.facilities.begin(), r.facilities.end());
        EXPECT_EQ(fingerprint(route(r)), expected);
        std::shuffle(r.offers.begin(), r.offers.end(), rng);
        EXPECT_EQ(fingerprint(route(r)), expected);
    }
}

// Refs of every length up to 24, pairs differing in one middle character only: the offer of
// each facility must be matched to it and no other.
TEST(Scale, NamesOfEveryLengthAreMatched) {
    std::vector<std::string> refs;
    for (std::size_t n = 1; n <= 24; ++n) {
        std::string a(n, 'w');
        std::string b = a;
        b[n / 2] = 'x';
        refs.push_back(a);
        if (n > 1) {
            refs.push_back(b);
        }
    }
    for (const std::string& stocked : refs) {
        RoutingRequest r = request();
        for (const std::string& ref : refs) {
            r.facilities.push_back(facility(ref));
            r.offers.push_back(offer(ref, "sku-with-a-long-article-id", ref == stocked ? 1 : 0));
        }
        r.lines = {line("1", "sku-with-a-long-article-id", 1)};
        EXPECT_EQ(describe(route(r)), "R:" + stocked + "{1=1}");
    }
}

TEST(Scale, DuplicateAdjacentOfferThrows) {
    std::mt19937 rng(9);
    RoutingRequest r = big_request(rng, Strategy{});
    r.offers.insert(r.offers.begin() + 41, r.offers[40]);
    EXPECT_THROW(route(r), RoutingError);
}

// 500 facilities with the same stock and no consumer location: every tie goes to the first ref.
TEST(Scale, EqualFacilitiesTieToFirstRef) {
    for (const Strategy& strategy : {Strategy{}, split_off(), waiting_room_off()}) {
        RoutingRequest r = request();
        r.strategy = strategy;
        for (int f = 0; f < 500; ++f) {
            const std::string ref = "fc-" + std::to_string(1499 - f);  // listed descending
            r.facilities.push_back(facility(ref));
            r.offers.push_back(offer(ref, "a", 1));
            r.offers.push_back(offer(ref, "b", 1));
        }
        r.lines = {line("1", "a", 1), line("2", "b", 2)};
        EXPECT_EQ(describe(route(r)), "R:fc-1000{1=1,2=1/1}");
    }
}

// Even facilities hold only a, odd ones only b, all at the same distance: the split goes to
// the first of each (the search leaves the others out as dominated).
TEST(Scale, SplitAmongEqualFacilitiesTakesFirstRefs) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    for (int f = 0; f < 500; ++f) {
        const std::string ref = "fc-" + std::to_string(1000 + f);
        r.facilities.push_back(facility(ref, kPotsdam));
        r.offers.push_back(offer(ref, "a", f % 2 == 0 ? 1 : 0));
        r.offers.push_back(offer(ref, "b", f % 2 == 0 ? 0 : 1));
    }
    r.lines = {line("1", "a", 1), line("2", "b", 1)};
    EXPECT_EQ(describe(route(r)), "R:fc-1000{1=1} R:fc-1001{2=1}");
}

// Rule 3 with a bundle of two lines of one article: the second line gets what the first left.
// A has 3 (bundle 2+1, not full), B has 1 and the other article: B serves one unit fully.
TEST(Scale, SplitOffBundleOfOneArticleCountsWhatEarlierLinesTake) {
    RoutingRequest r = request();
    r.strategy = split_off();
    r.facilities = {facility("A"), facility("B")};
    r.offers = {offer("A", "sku", 3), offer("A", "other", 0), offer("B", "sku", 1),
                offer("B", "other", 1)};
    r.lines = {line("1", "sku", 2, "b"), line("2", "sku", 2, "b"), line("3", "other", 1)};
    EXPECT_EQ(describe(route(r)), "R:B{1=1/1,2=0/2,3=1}");
}

// Short pick of a leftover bundle without routed parts: B has 3 of the 4 (2+1), A only 2.
TEST(Scale, ShortPickedBundleGoesWhereBothLinesTogetherGetMost) {
    RoutingRequest r = request();
    r.facilities = {facility("A"), facility("B")};
    r.offers = {offer("A", "sku", 2), offer("B", "sku", 3)};
    r.lines = {line("1", "sku", 2, "b"), line("2", "sku", 2, "b")};
    EXPECT_EQ(describe(route(r)), "R:B{1=2,2=1/1}");
}

// Rule 4 for a bundle whose stock lines share an article: A's 3 cannot cover 2+2, B's 4 can.
TEST(Scale, BackorderBundleNeedsStockForAllItsLinesOfOneArticle) {
    RoutingRequest r = request();
    r.strategy = waiting_room_off();
    r.facilities = {facility("A"), facility("B")};
    r.offers = {offer("A", "sku", 3), backorder("A", "bo"), offer("B", "sku", 4),
                backorder("B", "bo")};
    r.lines = {line("1", "sku", 2, "b"), line("2", "sku", 2, "b"), line("3", "bo", 1, "b")};
    EXPECT_EQ(describe(route(r)), "R:B{1=2,2=2,3=1*}");
}

}  // namespace
}  // namespace waitroom::core::testing
