#include "pg/routing_store.hpp"

#include <algorithm>
#include <stdexcept>

#include "pg/lock_protocol.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {
namespace {

// The tenant's row; a tenant without one routes under the defaults (NULLs here: the
// column defaults are core::Strategy's).
spi::Statement load_strategy_sql{
    "SELECT s.complete_stock_fence_active, s.complete_stock_fence_mode, s.order_split_active,"
    "       s.max_split_count, s.use_waiting_room_for_pre_back_order_items,"
    "       s.waiting_room_priority,"
    "       (extract(epoch FROM coalesce($1::timestamptz, now())) * 1000000)::bigint"
    "  FROM (SELECT) AS one"
    "  LEFT JOIN waitroom.routing_strategy s ON s.tenant_id = $2",
    2};

// The candidate offers of the order's articles (waitroom.candidate_offer: SPEC §3's
// candidacy, read by the article indexes of listing and stock).
spi::Statement load_offers_sql{
    "SELECT c.facility_ref, c.tenant_article_id, c.out_of_stock_behaviour,"
    "       (extract(epoch FROM c.preorder_available_from) * 1000000)::bigint,"
    "       c.on_hand, c.reserved, c.lat, c.lon"
    "  FROM waitroom.candidate_offer($2, $1::text[]) c",
    2};

// STRICT_FIFO's held-back quantity per article: the probe rows of waitroom.waiting_queue.
spi::Statement held_back_sql{
    "SELECT q.tenant_article_id, q.ahead"
    "  FROM waitroom.waiting_queue($4, $1::text[], $2::uuid[], $3::uuid) q WHERE q.probe",
    4};

core::FenceMode fence_mode(const std::string& s) {
    return s == "static" ? core::FenceMode::Static : core::FenceMode::Reactive;
}

core::WaitingRoomPriority priority_mode(const std::string& s) {
    if (s == "STRICT_FIFO") return core::WaitingRoomPriority::StrictFifo;
    if (s == "PRIORITY") return core::WaitingRoomPriority::Priority;
    return core::WaitingRoomPriority::Fifo;
}

core::OutOfStockBehaviour behaviour(const std::string& s) {
    if (s == "BACKORDER") return core::OutOfStockBehaviour::Backorder;
    if (s == "PREORDER") return core::OutOfStockBehaviour::Preorder;
    return core::OutOfStockBehaviour::None;
}

}  // namespace

std::vector<std::string> articles_of(const std::vector<core::Line>& lines) {
    std::set<std::string> unique;
    for (const auto& line : lines) unique.insert(line.article);
    return {unique.begin(), unique.end()};
}

core::Strategy load_strategy(core::Timestamp* now, const std::string* now_override) {
    lock_strategy_shared();  // a strategy change waits for this decision to commit
    spi::Rows rows = spi::run(load_strategy_sql,
                              {now_override ? spi::Value(*now_override) : std::nullopt, tenant()});
    if (rows.size() != 1) throw std::logic_error("waitroom: the strategy read must give one row");
    const spi::Row& r = rows[0];
    core::Strategy s;
    *now = spi::integer(r, 6);
    if (!r[0]) return s;  // no row: the defaults
    s.complete_stock_fence_active = spi::boolean(r, 0);
    s.complete_stock_fence_mode = fence_mode(spi::text(r, 1));
    s.order_split_active = spi::boolean(r, 2);
    s.max_split_count = static_cast<int>(spi::integer(r, 3));
    s.use_waiting_room_for_pre_back_order_items = spi::boolean(r, 4);
    s.waiting_room_priority = priority_mode(spi::text(r, 5));
    return s;
}

OfferTable load_offers(const std::vector<std::string>& articles) {
    OfferTable table;
    for (const spi::Row& r : spi::run(load_offers_sql, {spi::array_literal(articles), tenant()})) {
        core::Offer offer;
        offer.facility_ref = spi::text(r, 0);
        offer.article = spi::text(r, 1);
        offer.behaviour = behaviour(spi::text(r, 2));
        if (r[3]) offer.preorder_available_from = spi::integer(r, 3);
        if (r[4]) {
            offer.on_hand = spi::integer(r, 4);
            offer.reserved = spi::integer(r, 5);
        } else {
            table.missing_stock_rows.emplace(offer.facility_ref, offer.article);
        }
        auto& facility = table.facilities[offer.facility_ref];
        if (facility.ref.empty()) {
            facility.ref = offer.facility_ref;
            if (r[6] && r[7]) facility.location = core::Location{spi::real(r, 6), spi::real(r, 7)};
        }
        table.by_article[offer.article].push_back(table.offers.size());
        table.offers.push_back(std::move(offer));
    }
    return table;
}

LoadedRequest request_from(const OfferTable& table, const std::vector<core::Line>& lines,
                           const std::optional<core::Location>& consumer,
                           const core::Strategy& strategy, core::Timestamp now,
                           std::vector<std::size_t>* offer_index) {
    LoadedRequest loaded;
    core::RoutingRequest& req = loaded.request;
    req.lines = lines;
    req.consumer = consumer;
    req.strategy = strategy;
    req.now = now;
    std::set<std::string> facility_refs;
    for (const std::string& article : articles_of(lines)) {
        auto found = table.by_article.find(article);
        if (found == table.by_article.end()) continue;
        for (const std::size_t i : found->second) {
            const core::Offer& offer = table.offers[i];
            req.offers.push_back(offer);
            if (offer_index != nullptr) offer_index->push_back(i);
            facility_refs.insert(offer.facility_ref);
            const StockKey key{offer.facility_ref, offer.article};
            if (table.missing_stock_rows.count(key) != 0) loaded.missing_stock_rows.insert(key);
        }
    }
    for (const std::string& ref : facility_refs) req.facilities.push_back(table.facilities.at(ref));
    return loaded;
}

LoadedRequest load_request(const std::vector<core::Line>& lines,
                           const std::optional<core::Location>& consumer,
                           const core::Strategy& strategy, core::Timestamp now) {
    return request_from(load_offers(articles_of(lines)), lines, consumer, strategy, now);
}

std::map<std::string, std::int64_t> held_back_before(const std::vector<std::string>& articles,
                                                     const std::string& plan_id,
                                                     const std::string& order_id) {
    std::map<std::string, std::int64_t> held;
    // The plan being re-routed, or else a new plan of the order.
    const spi::Value plan = plan_id.empty() ? std::nullopt : spi::Value("{" + plan_id + "}");
    const spi::Value order = plan_id.empty() ? spi::Value(order_id) : std::nullopt;
    for (const spi::Row& r :
         spi::run(held_back_sql, {spi::array_literal(articles), plan, order, tenant()}))
        held[spi::text(r, 0)] = spi::integer(r, 1);
    return held;
}

std::map<StockKey, std::int64_t> reservations_of(const core::RoutingDecision& decision) {
    std::map<StockKey, std::int64_t> out;
    for (const auto& part : decision.parts) {
        if (part.status != core::PlanStatus::Routed || !part.facility_ref) continue;
        for (const auto& line : part.lines)
            if (line.quantity > 0) out[{*part.facility_ref, line.article}] += line.quantity;
    }
    return out;
}

std::map<StockKey, std::int64_t> availability_of(const std::vector<core::Offer>& seen) {
    std::map<StockKey, std::int64_t> available;
    for (const auto& offer : seen)
        available[{offer.facility_ref, offer.article}] =
            std::max<std::int64_t>(offer.on_hand - offer.reserved, 0);
    return available;
}

void require_within_availability(const core::RoutingDecision& decision,
                                 const std::map<StockKey, std::int64_t>& available,
                                 std::map<StockKey, std::int64_t>& from_stock) {
    for (const auto& part : decision.parts) {
        if (part.status != core::PlanStatus::Routed || !part.facility_ref) continue;
        for (const auto& line : part.lines) {
            if (line.quantity <= 0 || line.beyond_stock) continue;
            const StockKey key{*part.facility_ref, line.article};
            const std::int64_t reserved = from_stock[key] += line.quantity;
            auto found = available.find(key);
            const std::int64_t there = found == available.end() ? 0 : found->second;
            if (reserved > there)
                throw std::logic_error("routing decision reserves " + std::to_string(reserved) +
                                       " of " + line.article + " at " + *part.facility_ref +
                                       " where " + std::to_string(there) + " is available");
        }
    }
}

}  // namespace waitroom::pg
