// libFuzzer target: route() over a network, strategy and order decoded from the fuzzer's
// bytes, within what the schema allows (SPEC §1: on_hand and reserved >= 0, quantities in
// int, max_split_count >= 1, coordinates in range). The decision must keep every invariant of
// test/core/decision_invariants.hpp (never reserve beyond availability outside rule 4, every
// ordered unit in exactly one part, ...), be deterministic, and the router may only raise
// UserErrors with SPEC §6's SQLSTATEs.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

#include "decision_invariants.hpp"
#include "errors.hpp"
#include "fuzz_bytes.hpp"
#include "router.hpp"
#include "sqlstates.hpp"
#include "test_support.hpp"

namespace {

using namespace waitroom::core;
using waitroom::fuzz::finding;
using waitroom::fuzz::FuzzBytes;

using waitroom::core::testing::kHour;
using waitroom::core::testing::kNow;

// Mostly small (interesting collisions), sometimes anywhere in [0, INT_MAX].
std::int64_t amount(FuzzBytes& in, std::int64_t small_max) {
    return in.chance(16) ? in.range(0, INT_MAX) : in.range(0, small_max);
}

Location location(FuzzBytes& in) {
    // Anywhere on the globe, the poles and the antimeridian included.
    return Location{static_cast<double>(in.range(-9000, 9000)) / 100.0,
                    static_cast<double>(in.range(-18000, 18000)) / 100.0};
}

RoutingRequest decode(FuzzBytes& in) {
    RoutingRequest r;
    r.now = kNow;
    if (in.chance(200)) r.consumer = location(in);
    const auto facilities = in.range(1, 8);
    for (std::int64_t f = 0; f < facilities; ++f) {
        Facility fac;
        fac.ref = "fc" + std::to_string(f);
        fac.status = static_cast<FacilityStatus>(in.range(0, 2));
        if (in.chance(220)) fac.location = location(in);
        r.facilities.push_back(fac);
    }
    const auto articles = in.range(1, 8);
    const auto lines = in.chance(32) ? in.range(1, 60) : in.range(1, 10);
    for (std::int64_t l = 0; l < lines; ++l) {
        Line line;
        line.line_id = std::to_string(l + 1);
        line.article = "sku" + std::to_string(in.range(0, articles - 1));
        line.quantity = 1 + amount(in, 5) % INT_MAX;
        if (in.chance(40)) line.bundle_ref = "b" + std::to_string(in.range(0, 2));
        r.lines.push_back(line);
    }
    for (std::int64_t f = 0; f < facilities; ++f) {
        for (std::int64_t a = 0; a < articles; ++a) {
            if (!in.chance(180)) continue;
            Offer o;
            o.facility_ref = "fc" + std::to_string(f);
            o.article = "sku" + std::to_string(a);
            o.has_listing = in.chance(235);
            o.listing_status = in.chance(225) ? ListingStatus::Active : ListingStatus::Inactive;
            o.behaviour = static_cast<OutOfStockBehaviour>(in.range(0, 2));
            if (o.behaviour == OutOfStockBehaviour::Preorder)
                o.preorder_available_from = kNow + (in.chance(128) ? kHour : -kHour);
            o.on_hand = amount(in, 8);
            o.reserved = amount(in, 4);
            r.offers.push_back(o);
        }
    }
    Strategy& s = r.strategy;
    s.complete_stock_fence_active = in.chance(150);
    s.complete_stock_fence_mode = in.chance(180) ? FenceMode::Reactive : FenceMode::Static;
    s.order_split_active = in.chance(190);
    s.max_split_count = static_cast<int>(in.chance(16) ? in.range(1, INT_MAX) : in.range(1, 5));
    s.use_waiting_room_for_pre_back_order_items = in.chance(80);
    s.waiting_room_priority = static_cast<WaitingRoomPriority>(in.range(0, 2));
    if (in.chance(80)) {
        for (std::int64_t a = 0; a < articles; ++a)
            if (in.chance(128)) r.held_back["sku" + std::to_string(a)] = amount(in, 8);
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzBytes in(data, size);
    const RoutingRequest request = decode(in);
    try {
        const RoutingDecision decision = route(request);
        const auto violations = waitroom::core::testing::decision_violations(request, decision);
        if (!violations.empty())
            finding("decision " + waitroom::core::testing::describe(decision) + ": " +
                    violations.front());
        if (waitroom::core::testing::fingerprint(route(request)) !=
            waitroom::core::testing::fingerprint(decision))
            finding("the same request decided twice differently");
    } catch (const UserError& e) {
        if (!waitroom::fuzz::documented_sqlstate(e.sqlstate()))
            finding(std::string("router raised ") + e.sqlstate() + ": " + e.what());
    } catch (const RoutingError& e) {
        finding(std::string("RoutingError on a request the schema allows: ") + e.what());
    }
    return 0;
}
