// The decision trace (explain's log): each rule failing in turn, with its numbers, and the
// decision unchanged by tracing it.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "decision_trace.hpp"
#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

using B = OutOfStockBehaviour;

// "berlin: A need=5 on_hand=4 reserved=1 available=3 STOCK_SHORT; B ... | complete chosen"
std::string describe_facility(const FacilityTrace& f) {
    std::ostringstream out;
    out << f.ref << ":";
    for (const OfferTrace& o : f.articles) {
        out << ' ' << o.article << " need=" << o.needed << " on_hand=" << o.on_hand
            << " reserved=" << o.reserved << " available=" << o.available << ' '
            << check_name(o.check) << ';';
    }
    out << (f.complete ? " complete" : "") << (f.chosen ? " chosen" : "");
    return out.str();
}

const FacilityTrace& facility_of(const DecisionTrace& t, const std::string& ref) {
    for (const FacilityTrace& f : t.facilities) {
        if (f.ref == ref) {
            return f;
        }
    }
    throw std::runtime_error("no facility " + ref + " in the trace");
}

std::string reasons(const DecisionTrace& t) {
    std::string out;
    for (const auto& [line, reason] : t.waiting) {
        out += (out.empty() ? "" : " ") + line + "=" + reason_name(reason);
    }
    return out;
}

TEST(DecisionTrace, TracingDoesNotChangeTheDecision) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 2), line("2", "B", 1), line("3", "C", 1)};
    r.facilities = {facility("berlin", kBerlin), facility("munich", kMunich)};
    r.offers = {offer("berlin", "A", 2), offer("munich", "B", 1), backorder("munich", "C")};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(fingerprint(t.decision), fingerprint(route(r)));
    EXPECT_EQ(describe(t.decision), "R:berlin{1=2} R:munich{2=1} W{3=1}");
}

TEST(DecisionTrace, CompleteFacilityWinsByPenalty) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("munich", kMunich), facility("hamburg", kHamburg)};
    r.offers = {offer("munich", "A", 5), offer("hamburg", "A", 2)};
    const DecisionTrace t = route_traced(r).trace;
    ASSERT_EQ(t.facilities.size(), 2U);
    EXPECT_EQ(describe_facility(facility_of(t, "hamburg")),
              "hamburg: A need=2 on_hand=2 reserved=0 available=2 OK; complete chosen");
    EXPECT_EQ(describe_facility(facility_of(t, "munich")),
              "munich: A need=2 on_hand=5 reserved=0 available=5 OK; complete");
    ASSERT_TRUE(facility_of(t, "hamburg").distance_km.has_value());
    EXPECT_NEAR(*facility_of(t, "hamburg").distance_km, 255, 10);
    EXPECT_NE(t.why.find("rule 1"), std::string::npos) << t.why;
    EXPECT_NE(t.why.find("lowest penalty"), std::string::npos) << t.why;
}

TEST(DecisionTrace, FacilityNotOnline) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("off", std::nullopt, FacilityStatus::Offline),
                    facility("on", std::nullopt)};
    r.offers = {offer("off", "A", 9), offer("on", "A", 1)};
    const DecisionTrace t = route_traced(r).trace;
    EXPECT_EQ(describe_facility(facility_of(t, "off")),
              "off: A need=1 on_hand=9 reserved=0 available=0 FACILITY_NOT_ONLINE;");
    EXPECT_EQ(facility_of(t, "off").status, FacilityStatus::Offline);
    EXPECT_EQ(describe_facility(facility_of(t, "on")),
              "on: A need=1 on_hand=1 reserved=0 available=1 OK; complete chosen");
}

TEST(DecisionTrace, NoListingAndInactiveListing) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    Offer inactive = offer("f2", "B", 4);
    inactive.listing_status = ListingStatus::Inactive;
    r.offers = {offer("f1", "A", 1), offer("f2", "A", 0), inactive};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f1")),
              "f1: A need=1 on_hand=1 reserved=0 available=1 OK;"
              " B need=1 on_hand=0 reserved=0 available=0 NO_LISTING; chosen");
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f2")),
              "f2: A need=1 on_hand=0 reserved=0 available=0 STOCK_SHORT;"
              " B need=1 on_hand=4 reserved=0 available=0 LISTING_INACTIVE;");
    EXPECT_EQ(describe(t.decision), "R:f1{1=1,2=0/1}");  // B short-picked
}

TEST(DecisionTrace, PreorderNotReleasedWaits) {
    RoutingRequest r = request();
    r.lines = {line("1", "P", 2)};
    r.facilities = {facility("f1")};
    r.offers = {preorder("f1", "P", 5, kNow + kHour)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "W{1=2}");
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f1")),
              "f1: P need=2 on_hand=5 reserved=0 available=0 PREORDER_NOT_RELEASED;");
    EXPECT_EQ(facility_of(t.trace, "f1").articles[0].preorder_available_from, kNow + kHour);
    EXPECT_EQ(reasons(t.trace), "1=PREORDER_NOT_RELEASED");
}

TEST(DecisionTrace, StockShortWaitsWithNumbers) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 5)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 4, B::Backorder, 1)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "W{1=5}");
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f1")),
              "f1: A need=5 on_hand=4 reserved=1 available=3 STOCK_SHORT;");
    EXPECT_EQ(reasons(t.trace), "1=BACKORDER_NO_STOCK");
    ASSERT_EQ(t.trace.articles.size(), 1U);
    EXPECT_EQ(t.trace.articles[0].available_total, 3);
}

TEST(DecisionTrace, StrictFifoHeldBack) {
    RoutingRequest r = request();
    r.strategy.waiting_room_priority = WaitingRoomPriority::StrictFifo;
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("f1")};
    r.offers = {backorder("f1", "A", 4)};
    r.held_back = {{"A", 3}};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "W{1=2}");
    ASSERT_EQ(t.trace.articles.size(), 1U);
    const ArticleTrace& a = t.trace.articles[0];
    EXPECT_EQ(a.needed, 2);
    EXPECT_EQ(a.available_total, 4);
    EXPECT_EQ(a.held_back, 3);
    EXPECT_EQ(a.usable, 1);
    // The facility has it; the budget does not.
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f1")),
              "f1: A need=2 on_hand=4 reserved=0 available=4 OK; complete");
    EXPECT_EQ(reasons(t.trace), "1=QUEUED_BEHIND_EARLIER_ORDERS");
}

TEST(DecisionTrace, SplitCapReached) {
    RoutingRequest r = request();
    r.strategy.max_split_count = 1;
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    r.facilities = {facility("f1"), facility("f2")};
    r.offers = {offer("f1", "A", 1), backorder("f2", "B", 1)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "R:f1{1=1} W{2=1}");
    EXPECT_TRUE(t.trace.split_cap_reached);
    EXPECT_EQ(t.trace.max_split_count, 1);
    EXPECT_EQ(t.trace.routed_plans, 1U);
    EXPECT_EQ(reasons(t.trace), "2=SPLIT_CAP_REACHED");
    r.strategy.max_split_count = 2;
    const TracedDecision two = route_traced(r);
    EXPECT_EQ(describe(two.decision), "R:f1{1=1} R:f2{2=1}");
    EXPECT_FALSE(two.trace.split_cap_reached);
    EXPECT_NE(two.trace.why.find("rule 2"), std::string::npos) << two.trace.why;
}

TEST(DecisionTrace, BundleAndWholeOrderWaits) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1, "kit"), line("2", "B", 1, "kit")};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 1), backorder("f1", "B")};
    EXPECT_EQ(reasons(route_traced(r).trace), "1=BUNDLE_INCOMPLETE 2=BACKORDER_NO_STOCK");
    r.strategy = split_off();
    r.lines = {line("1", "A", 1), line("2", "B", 1)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "W{1=1,2=1}");
    EXPECT_EQ(reasons(t.trace), "1=WAITING_FOR_OTHER_ITEMS 2=BACKORDER_NO_STOCK");
    EXPECT_NE(t.trace.why.find("whole order waits"), std::string::npos) << t.trace.why;
}

TEST(DecisionTrace, NotRoutableSaysWhy) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 2)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 0)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "N{1=2}");
    EXPECT_TRUE(t.trace.waiting.empty());
    EXPECT_EQ(describe_facility(facility_of(t.trace, "f1")),
              "f1: A need=2 on_hand=0 reserved=0 available=0 STOCK_SHORT;");
    EXPECT_NE(t.trace.why.find("rule 5"), std::string::npos) << t.trace.why;
}

TEST(DecisionTrace, ShortPickSaysWhichRule) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 3)};
    r.facilities = {facility("f1")};
    r.offers = {offer("f1", "A", 1)};
    const TracedDecision t = route_traced(r);
    EXPECT_EQ(describe(t.decision), "R:f1{1=1/2}");
    EXPECT_TRUE(facility_of(t.trace, "f1").chosen);
    EXPECT_NE(t.trace.why.find("short"), std::string::npos) << t.trace.why;
}

}  // namespace
}  // namespace waitroom::core::testing

// explain's log keeps the chosen facilities and the best others in full, the rest counted.
namespace waitroom::core::testing {
namespace {

std::string refs_kept(const DecisionTrace& t, const LoggedFacilities& logged) {
    std::string out;
    for (const std::size_t i : logged.kept) {
        out += (out.empty() ? "" : " ") + t.facilities[i].ref;
    }
    return out;
}

std::string omitted_checks(const OmittedArticle& a) {
    std::string out;
    for (const auto& [check, count] : a.by_check) {
        out +=
            (out.empty() ? "" : " ") + std::string(check_name(check)) + "=" + std::to_string(count);
    }
    return out + " short_max=" +
           (a.short_max_available ? std::to_string(*a.short_max_available) : "none");
}

// 30 facilities for A (3 needed): f00-f04 complete, f05-f09 two available, f10-f14 one,
// f15-f19 OFFLINE, f20-f24 INACTIVE listing, f25-f29 none.
RoutingRequest thirty_facilities() {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 3)};
    for (int i = 0; i < 30; ++i) {
        const std::string ref = (i < 10 ? "f0" : "f") + std::to_string(i);
        r.facilities.push_back(
            facility(ref, std::nullopt,
                     i >= 15 && i < 20 ? FacilityStatus::Offline : FacilityStatus::Online));
        Offer o = offer(ref, "A", i < 5 ? 3 : i < 10 ? 2 : i < 15 ? 1 : i < 25 ? 9 : 0);
        if (i >= 20 && i < 25) {
            o.listing_status = ListingStatus::Inactive;
        }
        r.offers.push_back(o);
    }
    return r;
}

TEST(DecisionLogFacilities, KeepsTheChosenAndTheBestOthersCountsTheRest) {
    const TracedDecision t = route_traced(thirty_facilities());
    EXPECT_EQ(describe(t.decision), "R:f00{1=3}");
    const LoggedFacilities logged = logged_facilities(t.trace);
    // Complete stock first, then the most available, then ref (all penalties 0).
    EXPECT_EQ(refs_kept(t.trace, logged), "f00 f01 f02 f03 f04 f05 f06 f07 f08 f09 f10");
    EXPECT_EQ(logged.omitted, 19U);
    ASSERT_EQ(logged.omitted_articles.size(), 1U);
    EXPECT_EQ(omitted_checks(logged.omitted_articles[0]),
              "FACILITY_NOT_ONLINE=5 LISTING_INACTIVE=5 STOCK_SHORT=9 short_max=1");
}

// The why names the facilities with complete stock while they are few, else counts them: its
// size must not grow with the network either.
TEST(DecisionLogFacilities, WhyCountsManyCompleteFacilities) {
    RoutingRequest r = request();
    r.lines = {line("1", "A", 1)};
    for (int i = 10; i < 40; ++i) {
        r.facilities.push_back(facility("f" + std::to_string(i)));
        r.offers.push_back(offer("f" + std::to_string(i), "A", 1));
    }
    EXPECT_EQ(route_traced(r).trace.why,
              "rule 1: f10 has complete stock for every line; lowest penalty (then facility_ref) "
              "of the 30 facilities with complete stock (the log keeps the 11 of lowest penalty)");
    r.facilities.resize(2);
    r.offers.resize(2);
    EXPECT_EQ(route_traced(r).trace.why,
              "rule 1: f10 has complete stock for every line; lowest penalty (then facility_ref) "
              "of the facilities with complete stock: f10, f11");
}

TEST(DecisionLogFacilities, ChosenAreKeptWhateverTheirRank) {
    const TracedDecision t = route_traced(thirty_facilities());
    const LoggedFacilities logged = logged_facilities(t.trace, 0);
    EXPECT_EQ(refs_kept(t.trace, logged), "f00");
    EXPECT_EQ(logged.omitted, 29U);
}

TEST(DecisionLogFacilities, NearerFacilitiesRankFirstAmongEquals) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.lines = {line("1", "A", 1)};
    r.facilities = {facility("a-munich", kMunich), facility("b-hamburg", kHamburg),
                    facility("c-potsdam", kPotsdam)};
    r.offers = {offer("a-munich", "A", 0), offer("b-hamburg", "A", 0), offer("c-potsdam", "A", 0)};
    const TracedDecision t = route_traced(r);
    const LoggedFacilities logged = logged_facilities(t.trace, 1);
    EXPECT_EQ(refs_kept(t.trace, logged), "c-potsdam");
    EXPECT_EQ(omitted_checks(logged.omitted_articles[0]), "STOCK_SHORT=2 short_max=0");
}

}  // namespace
}  // namespace waitroom::core::testing
