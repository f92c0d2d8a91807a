// Domain types of the router: plain values, no I/O. SPEC.md §1 and §3 name them.
#pragma once
#include "cpp_only.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace waitroom::core {

// Microseconds since the Unix epoch, UTC.
using Timestamp = std::int64_t;

enum class FacilityStatus { Online, Suspended, Offline };
enum class ListingStatus { Active, Inactive };
enum class OutOfStockBehaviour { None, Backorder, Preorder };
enum class FenceMode { Static, Reactive };
enum class WaitingRoomPriority { Fifo, StrictFifo, Priority };
enum class PlanStatus { Waiting, Routed, NotRoutable, Cancelled };

struct Location {
    double lat = 0;
    double lon = 0;
};

struct Facility {
    std::string ref;
    FacilityStatus status = FacilityStatus::Online;
    std::optional<Location> location;
};

// What one facility offers of one article: its listing and its stock row.
struct Offer {
    std::string facility_ref;
    std::string article;
    bool has_listing = true;
    ListingStatus listing_status = ListingStatus::Active;
    OutOfStockBehaviour behaviour = OutOfStockBehaviour::None;
    std::optional<Timestamp> preorder_available_from;
    std::int64_t on_hand = 0;
    std::int64_t reserved = 0;
};

struct Strategy {
    bool complete_stock_fence_active = true;
    FenceMode complete_stock_fence_mode = FenceMode::Reactive;
    bool order_split_active = true;
    int max_split_count = 3;
    bool use_waiting_room_for_pre_back_order_items = false;
    WaitingRoomPriority waiting_room_priority = WaitingRoomPriority::Fifo;

    // SPEC §3: the waiting room is on when the fence is active and reactive,
    // or when the flag says so.
    [[nodiscard]] bool waiting_room_on() const {
        return (complete_stock_fence_active && complete_stock_fence_mode == FenceMode::Reactive) ||
               use_waiting_room_for_pre_back_order_items;
    }
};

// One line of the plan being routed (for a re-route: what the plan still holds of it).
struct Line {
    std::string line_id;
    std::string article;
    std::int64_t quantity = 0;
    std::optional<std::string> bundle_ref;
};

struct RoutingRequest {
    std::vector<Line> lines;  // in the order's line order
    std::optional<Location> consumer;
    std::vector<Facility> facilities;  // every facility an offer names
    std::vector<Offer> offers;         // every (facility, article) pair for the lines' articles
    Strategy strategy;
    Timestamp now = 0;
    // STRICT_FIFO: quantity of an article still waiting in earlier plans. This decision
    // may use at most (total available of the article) - held_back[article] of it.
    std::map<std::string, std::int64_t> held_back;
    // Test hook: route() throws std::runtime_error("waitroom core: injected fault"), so a test
    // can prove that C++ exceptions never cross into Postgres.
    bool debug_throw = false;
};

struct PlannedLine {
    std::string line_id;
    std::string article;
    std::int64_t quantity = 0;        // routed: to pick and reserve; waiting/not routable: held
    std::int64_t short_quantity = 0;  // routed only: ordered but not picked
    // Routed without a stock check (SPEC §3 rule 4, waiting room off): the reservation
    // may exceed what is available.
    bool beyond_stock = false;
};

struct PlannedPart {
    PlanStatus status = PlanStatus::Waiting;
    std::optional<std::string> facility_ref;  // set when Routed
    std::vector<PlannedLine> lines;
};

struct RoutingDecision {
    // Routed parts first (in the order chosen), then at most one Waiting part, then at most
    // one NotRoutable part. Every request line appears in exactly one part, except that a
    // line is never split across parts.
    std::vector<PlannedPart> parts;
    // Which SPEC §3 rule decided, in words, for events and explanations.
    std::string rule;
};

// Thrown for inputs the router cannot work with (a bug in the caller, not bad user input).
class RoutingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace waitroom::core
