// Why a routing decision came out as it did (SPEC §3): per facility and article the numbers
// the rules compared, each rule's verdict, and why each waiting line waits. route_traced()
// builds it from the very model route() decides with, so explain never re-evaluates a rule.
// Plain values; the glue serialises it once, when it writes the decision.
#pragma once
#include "cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain.hpp"

namespace waitroom::core {

// The first rule one facility fails for one article, in the order SPEC §3 applies them.
enum class OfferCheck {
    Ok,                   // candidate with the plan's whole quantity available (rule 1 passes)
    FacilityNotOnline,    // SUSPENDED or OFFLINE: not a candidate
    NoListing,            // the facility does not list the article
    ListingInactive,      // INACTIVE listing: not a candidate
    PreorderNotReleased,  // PREORDER listing before preorder_available_from: available 0
    StockShort            // available (on_hand - reserved) below what the plan needs
};

// Why a line of the decision's WAITING part waits (SPEC §1's waiting_room reasons, plus the
// split cap, which the view cannot see).
enum class WaitingReason {
    BackorderNoStock,           // no candidate has the line's quantity available
    PreorderNotReleased,        // ... and a candidate's pre-order is not released yet
    QueuedBehindEarlierOrders,  // STRICT_FIFO: what earlier plans wait for is held back
    BundleIncomplete,           // in stock, held by its bundle
    SplitCapReached,            // in stock, but max_split_count routed plans were used
    WaitingForOtherItems        // in stock, the order (or its stock) waits for other lines
};

struct OfferTrace {
    std::string article;
    std::int64_t needed = 0;  // the plan's quantity of the article (all its lines)
    bool has_listing = false;
    ListingStatus listing_status = ListingStatus::Active;
    OutOfStockBehaviour behaviour = OutOfStockBehaviour::None;
    std::optional<Timestamp> preorder_available_from;
    std::int64_t on_hand = 0;
    std::int64_t reserved = 0;
    std::int64_t available = 0;  // as the rules count it: 0 unless a candidate, 0 pre-release
    bool candidate = false;
    OfferCheck check = OfferCheck::Ok;
};

struct FacilityTrace {
    std::string ref;
    FacilityStatus status = FacilityStatus::Online;
    std::optional<double> distance_km;  // to the consumer, when both locations are known
    double penalty = 0;                 // what ties are broken by (SPEC §3)
    std::vector<OfferTrace> articles;   // one per article of the plan, ascending
    bool complete = false;              // rule 1: every article Ok here
    bool chosen = false;                // a routed part of the decision is here
};

// One article over all facilities: what the decision could use of it.
struct ArticleTrace {
    std::string article;
    std::int64_t needed = 0;
    std::int64_t available_total = 0;  // summed over the candidates
    std::int64_t held_back = 0;        // STRICT_FIFO: waiting in earlier plans
    std::int64_t usable = 0;           // max(available_total - held_back, 0)
};

struct DecisionTrace {
    Strategy strategy;                   // the strategy decided under
    Timestamp now = 0;                   // the decision's time (pre-order releases compare with it)
    std::vector<ArticleTrace> articles;  // ascending
    std::vector<FacilityTrace> facilities;  // ascending by ref: every facility the request names
    std::map<std::string, WaitingReason> waiting;  // by line id: the lines of the WAITING part
    int max_split_count = 0;
    std::size_t routed_plans = 0;
    bool split_cap_reached = false;  // split active, every allowed plan used, units left over
    std::string why;                 // why the chosen facilities won, or why none could
};

struct TracedDecision {
    RoutingDecision decision;
    DecisionTrace trace;
};

// route(), and the trace of the decision. The decision equals route(request)'s.
TracedDecision route_traced(const RoutingRequest& request);

namespace detail {
struct Model;
// The trace of a decision route() made on the model.
DecisionTrace trace_of(const Model& model, const RoutingDecision& decision);
}  // namespace detail

// A PREORDER listing whose release time has not come (SPEC §3: it counts 0 available).
[[nodiscard]] inline bool preorder_pending(const Offer& offer, Timestamp now) {
    return offer.behaviour == OutOfStockBehaviour::Preorder && offer.preorder_available_from &&
           *offer.preorder_available_from > now;
}

// What explain's log keeps of the facilities, so that its size follows the decision and not
// the network (at 500 facilities an article, the full list was half of an order's bytes):
// every chosen facility and the best others in full, the rest counted per verdict.
// 10 others show a DBA the runners-up; beyond them only the counts tell anything new.
inline constexpr std::size_t kLoggedOtherFacilities = 10;

// One article of the plan over the omitted facilities.
struct OmittedArticle {
    std::map<OfferCheck, std::int64_t> by_check;      // facilities per verdict
    std::optional<std::int64_t> short_max_available;  // the most a STOCK_SHORT one had
};

struct LoggedFacilities {
    std::vector<std::size_t> kept;  // indexes into DecisionTrace::facilities, ascending (by ref)
    std::size_t omitted = 0;
    std::vector<OmittedArticle> omitted_articles;  // in the order of DecisionTrace::articles
};

// Others ranked as the router prefers them: complete stock (rule 1), then the most articles
// served in full, then the most quantity (rules 2 and 3), then the lowest penalty, then ref.
LoggedFacilities logged_facilities(const DecisionTrace& trace,
                                   std::size_t others = kLoggedOtherFacilities);

// Names for the log (SPEC vocabulary).
const char* check_name(OfferCheck check);
const char* reason_name(WaitingReason reason);

}  // namespace waitroom::core
