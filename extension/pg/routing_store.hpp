// Reading what the router needs and locking what it reserves. One query loads the strategy,
// one the candidate stock and listings of every article of the plan.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/domain.hpp"

namespace waitroom::pg {

using StockKey = std::pair<std::string, std::string>;  // (facility_ref, tenant_article_id)

struct LoadedRequest {
    core::RoutingRequest request;
    std::set<StockKey> missing_stock_rows;  // candidate offers without a stock row
};

// The strategy and the transaction's time (or `now_override` in epoch microseconds).
core::Strategy load_strategy(core::Timestamp* now, const std::string* now_override = nullptr);

// Candidate offers (waitroom.candidate_offer: ONLINE facility, ACTIVE listing) of some
// articles, read in one query.
struct OfferTable {
    std::vector<core::Offer> offers;
    std::map<std::string, core::Facility> facilities;
    std::map<std::string, std::vector<std::size_t>> by_article;  // indexes into offers
    std::set<StockKey> missing_stock_rows;                       // offers without a stock row
};
OfferTable load_offers(const std::vector<std::string>& articles);

// The routing request for these lines from offers read before (every article of the lines
// must have been read). `offer_index` (if given) receives, per request offer, its index in
// the table.
LoadedRequest request_from(const OfferTable& table, const std::vector<core::Line>& lines,
                           const std::optional<core::Location>& consumer,
                           const core::Strategy& strategy, core::Timestamp now,
                           std::vector<std::size_t>* offer_index = nullptr);

// Candidate offers (ONLINE facility, ACTIVE listing) for the lines' articles.
LoadedRequest load_request(const std::vector<core::Line>& lines,
                           const std::optional<core::Location>& consumer,
                           const core::Strategy& strategy, core::Timestamp now);

// STRICT_FIFO: quantity per article still waiting in plans ahead of this plan in the queue
// (waitroom.waiting_queue's probe). A new plan (empty id) of `order_id` queues by its order's date,
// behind waiting plans of the same date.
std::map<std::string, std::int64_t> held_back_before(const std::vector<std::string>& articles,
                                                     const std::string& plan_id,
                                                     const std::string& order_id);

// Routed quantities of a decision per stock row, beyond-stock lines included.
std::map<StockKey, std::int64_t> reservations_of(const core::RoutingDecision& decision);

// Safety net (SPEC §4: no decision reserves more than was available, except rule 4 and
// assign_facility). What the offers a decision read leave available per stock row
// (on_hand - reserved); lock and re-check make them the rows' current values.
std::map<StockKey, std::int64_t> availability_of(const std::vector<core::Offer>& seen);
// Adds the decision's routed quantities from stock (rule 4's beyond-stock lines left out) to
// `from_stock`, and throws std::logic_error (XX000) when a row's sum exceeds `available`.
void require_within_availability(const core::RoutingDecision& decision,
                                 const std::map<StockKey, std::int64_t>& available,
                                 std::map<StockKey, std::int64_t>& from_stock);

// The distinct articles of the lines, sorted.
std::vector<std::string> articles_of(const std::vector<core::Line>& lines);

}  // namespace waitroom::pg
