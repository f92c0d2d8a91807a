// explain's decision log: the listings routing does not read, added for the trace, and the
// JSON of a traced decision (keys camelCase, SPEC vocabulary).
#include "pg/explain_log.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/router.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {
namespace {

// The complement of waitroom.candidate_offer() for the same articles, by the same index.
spi::Statement non_candidates_sql{
    "SELECT l.facility_ref, l.tenant_article_id, l.status, l.out_of_stock_behaviour,"
    "       (extract(epoch FROM l.preorder_available_from) * 1000000)::bigint,"
    "       s.on_hand, s.reserved, f.status, f.lat, f.lon"
    "  FROM waitroom.listing l"
    "  JOIN waitroom.facility f ON f.facility_ref = l.facility_ref"
    "  LEFT JOIN waitroom.stock s"
    "         ON s.facility_ref = l.facility_ref AND s.tenant_article_id = l.tenant_article_id"
    " WHERE l.tenant_article_id = ANY ($1::text[])"
    "   AND (l.status <> 'ACTIVE' OR f.status <> 'ONLINE')",
    1};

core::OutOfStockBehaviour behaviour_of(const std::string& s) {
    if (s == "BACKORDER") return core::OutOfStockBehaviour::Backorder;
    if (s == "PREORDER") return core::OutOfStockBehaviour::Preorder;
    return core::OutOfStockBehaviour::None;
}

core::FacilityStatus facility_status_of(const std::string& s) {
    if (s == "SUSPENDED") return core::FacilityStatus::Suspended;
    if (s == "OFFLINE") return core::FacilityStatus::Offline;
    return core::FacilityStatus::Online;
}

const char* facility_status_name(core::FacilityStatus s) {
    switch (s) {
        case core::FacilityStatus::Online:
            return "ONLINE";
        case core::FacilityStatus::Suspended:
            return "SUSPENDED";
        case core::FacilityStatus::Offline:
            return "OFFLINE";
    }
    return "ONLINE";
}

const char* behaviour_name(core::OutOfStockBehaviour b) {
    switch (b) {
        case core::OutOfStockBehaviour::None:
            return "NONE";
        case core::OutOfStockBehaviour::Backorder:
            return "BACKORDER";
        case core::OutOfStockBehaviour::Preorder:
            return "PREORDER";
    }
    return "NONE";
}

const char* priority_name(core::WaitingRoomPriority p) {
    switch (p) {
        case core::WaitingRoomPriority::Fifo:
            return "FIFO";
        case core::WaitingRoomPriority::StrictFifo:
            return "STRICT_FIFO";
        case core::WaitingRoomPriority::Priority:
            return "PRIORITY";
    }
    return "FIFO";
}

// Microseconds since the epoch as ISO 8601 UTC, which a timestamptz cast reads back exactly.
std::string iso_time(core::Timestamp t) {
    std::int64_t seconds = t / 1000000;
    std::int64_t micros = t % 1000000;
    if (micros < 0) {
        micros += 1000000;
        --seconds;
    }
    const auto time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros));
    return out;
}

nlohmann::json facilities_json(const core::DecisionTrace& t) {
    nlohmann::json facilities = nlohmann::json::array();
    for (const auto& f : t.facilities) {
        nlohmann::json articles = nlohmann::json::array();
        for (const auto& o : f.articles) {
            nlohmann::json listing = nullptr;
            if (o.has_listing) {
                listing = {{"status", o.listing_status == core::ListingStatus::Active ? "ACTIVE"
                                                                                     : "INACTIVE"},
                           {"kind", behaviour_name(o.behaviour)}};
                if (o.preorder_available_from) {
                    listing["preorderAvailableFrom"] = iso_time(*o.preorder_available_from);
                    listing["preorderReleased"] = *o.preorder_available_from <= t.now;
                }
            }
            articles.push_back({{"tenantArticleId", o.article},
                                {"needed", o.needed},
                                {"listing", listing},
                                {"onHand", o.on_hand},
                                {"reserved", o.reserved},
                                {"available", o.available},
                                {"candidate", o.candidate},
                                {"check", core::check_name(o.check)}});
        }
        facilities.push_back(
            {{"facilityRef", f.ref},
             {"status", facility_status_name(f.status)},
             {"distanceKm", f.distance_km ? nlohmann::json(*f.distance_km) : nlohmann::json()},
             {"penalty", f.penalty},
             {"completeStock", f.complete},
             {"chosen", f.chosen},
             {"articles", std::move(articles)}});
    }
    return facilities;
}

}  // namespace

NonCandidates::NonCandidates(const std::vector<std::string>& articles) {
    for (const spi::Row& r : spi::run(non_candidates_sql, {spi::array_literal(articles)})) {
        core::Offer& offer = offers_.emplace_back();
        offer.facility_ref = spi::text(r, 0);
        offer.article = spi::text(r, 1);
        offer.listing_status =
            spi::text(r, 2) == "ACTIVE" ? core::ListingStatus::Active : core::ListingStatus::Inactive;
        offer.behaviour = behaviour_of(spi::text(r, 3));
        if (r[4]) offer.preorder_available_from = spi::integer(r, 4);
        if (r[5]) {
            offer.on_hand = spi::integer(r, 5);
            offer.reserved = spi::integer(r, 6);
        }
        core::Facility& facility = facilities_[offer.facility_ref];
        facility.ref = offer.facility_ref;
        facility.status = facility_status_of(spi::text(r, 7));
        if (r[8] && r[9]) facility.location = core::Location{spi::real(r, 8), spi::real(r, 9)};
    }
}

void NonCandidates::add_to(core::RoutingRequest& request) const {
    if (offers_.empty()) return;
    const std::vector<std::string> articles = articles_of(request.lines);
    const std::set<std::string> wanted(articles.begin(), articles.end());
    std::set<StockKey> held;
    for (const auto& offer : request.offers) held.emplace(offer.facility_ref, offer.article);
    std::set<std::string> facilities;
    for (const auto& facility : request.facilities) facilities.insert(facility.ref);
    for (const auto& offer : offers_) {
        if (wanted.count(offer.article) == 0 ||
            !held.emplace(offer.facility_ref, offer.article).second)
            continue;
        request.offers.push_back(offer);
        if (facilities.insert(offer.facility_ref).second)
            request.facilities.push_back(facilities_.at(offer.facility_ref));
    }
}

core::TracedDecision route_with_trace(const core::RoutingRequest& request,
                                      const NonCandidates& others) {
    core::RoutingRequest full = request;
    others.add_to(full);
    return core::route_traced(full);
}

std::string decision_log(const core::RoutingDecision& d, const std::vector<std::string>& ids,
                         const RouteOptions& options, const core::DecisionTrace* trace) {
    nlohmann::json plans = nlohmann::json::array();
    for (std::size_t i = 0; i < d.parts.size(); ++i) {
        const auto& part = d.parts[i];
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& l : part.lines) {
            nlohmann::json line = {{"lineId", l.line_id},
                                   {"tenantArticleId", l.article},
                                   {"quantity", l.quantity},
                                   {"shortQuantity", l.short_quantity}};
            if (l.beyond_stock) line["beyondStock"] = true;
            if (part.status == core::PlanStatus::Waiting) {
                // A pass keeps what the rules found not routable waiting (SPEC §4).
                const char* reason = "UNKNOWN";
                if (trace != nullptr) {
                    const auto found = trace->waiting.find(l.line_id);
                    reason = found == trace->waiting.end() ? "NOT_ROUTABLE_KEPT_WAITING"
                                                           : core::reason_name(found->second);
                }
                line["reason"] = reason;
            }
            lines.push_back(std::move(line));
        }
        plans.push_back({{"routingPlanId", ids[i]},
                         {"status", status_name(part.status)},
                         {"facilityRef", part.facility_ref ? nlohmann::json(*part.facility_ref)
                                                           : nlohmann::json()},
                         {"lines", std::move(lines)}});
    }
    nlohmann::json log = {{"rule", d.rule}, {"plans", std::move(plans)}};
    if (trace == nullptr) {
        log["why"] = std::string(options.run_type) == "MANUAL_ASSIGNMENT"
                         ? "manual assignment (assign_facility): the facility was named by hand; "
                           "no routing rule, fence or stock was checked"
                         : "not traced: " + d.rule;
        return log.dump();
    }
    const core::DecisionTrace& t = *trace;
    log["why"] = t.why;
    log["decidedWith"] = iso_time(t.now);
    log["strategy"] = {
        {"completeStockFenceActive", t.strategy.complete_stock_fence_active},
        {"completeStockFenceMode",
         t.strategy.complete_stock_fence_mode == core::FenceMode::Static ? "static" : "reactive"},
        {"orderSplitActive", t.strategy.order_split_active},
        {"maxSplitCount", t.strategy.max_split_count},
        {"useWaitingRoomForPreBackOrderItems", t.strategy.use_waiting_room_for_pre_back_order_items},
        {"waitingRoomOn", t.strategy.waiting_room_on()},
        {"waitingRoomPriority", priority_name(t.strategy.waiting_room_priority)}};
    nlohmann::json articles = nlohmann::json::array();
    for (const auto& a : t.articles)
        articles.push_back({{"tenantArticleId", a.article},
                            {"needed", a.needed},
                            {"availableTotal", a.available_total},
                            {"heldBack", a.held_back},
                            {"usable", a.usable}});
    log["articles"] = std::move(articles);
    log["facilities"] = facilities_json(t);
    log["splitCap"] = {{"maxSplitCount", t.max_split_count},
                       {"routedPlans", t.routed_plans},
                       {"reached", t.split_cap_reached}};
    return log.dump();
}

}  // namespace waitroom::pg
