// A waiting-room pass serving its plans in one batch: the decisions in memory in queue order,
// one NOWAIT lock and re-check of every stock row reserved, one write per table.
#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "core/router.hpp"
#include "pg/decision_writer.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/plan_routing.hpp"
#include "pg/retry_queue.hpp"
#include "pg/routing_store.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/unrouted_plan.hpp"
#include "pg/waiting_room.hpp"

namespace waitroom::pg {
namespace {

// estimate keeps each a primary-key probe).
spi::Statement lock_plans_skip_sql{
    "SELECT p.routing_plan_id, p.status"
    "  FROM unnest($1::uuid[]) AS x(id)"
    "  JOIN waitroom.routing_plan p ON p.routing_plan_id = x.id"
    "  JOIN waitroom.orders o ON o.order_id = p.order_id"
    "   FOR NO KEY UPDATE OF o, p SKIP LOCKED",
    1};

// The routing requests of a batch's plans. Plans of the same articles (a restock's usual
// case: many orders of one article) share one request, refreshed from what the earlier
// decisions left available, instead of copying every offer for every plan.
class BatchRequests {
public:
    core::RoutingRequest& for_plan(const OfferTable& current, const PlanToRoute& plan,
                                   const core::Strategy& strategy, core::Timestamp now) {
        std::vector<std::string> articles = articles_of(plan.lines);
        if (articles != articles_) {
            articles_ = std::move(articles);
            offer_index_.clear();
            loaded_ =
                request_from(current, plan.lines, plan.consumer, strategy, now, &offer_index_);
            return loaded_.request;
        }
        core::RoutingRequest& request = loaded_.request;
        request.lines = plan.lines;
        request.consumer = plan.consumer;
        for (std::size_t k = 0; k < offer_index_.size(); ++k) {
            request.offers[k].on_hand = current.offers[offer_index_[k]].on_hand;
            request.offers[k].reserved = current.offers[offer_index_[k]].reserved;
        }
        return request;
    }

private:
    std::vector<std::string> articles_;
    LoadedRequest loaded_;
    std::vector<std::size_t> offer_index_;  // request offer k is current.offers[offer_index_[k]]
};

// Every waiting line of some articles with its plan's queue key, for STRICT_FIFO's held-back
// quantity (what held_back_sql reads for one plan, for a whole batch at once).
spi::Statement waiting_queue_sql{
    "SELECT a.article, w.quantity, w.order_date, w.plan_no"
    "  FROM unnest($1::text[]) AS a(article)"
    " CROSS JOIN LATERAL ("
    "       SELECT l.quantity, p.plan_no,"
    "              (extract(epoch FROM o.order_date) * 1000000)::bigint AS order_date"
    "         FROM waitroom.routing_plan_line l"
    "         JOIN waitroom.routing_plan p ON p.routing_plan_id = l.routing_plan_id"
    "         JOIN waitroom.orders o ON o.order_id = p.order_id"
    "        WHERE l.waiting AND l.tenant_article_id = a.article OFFSET 0) w",
    1};

// STRICT_FIFO in a batch: how much of each article waits in plans ahead of a plan in the
// queue (order_date, plan_no), kept current as the batch serves its plans in queue order
// (each served plan is ahead of every plan after it).
class HeldBack {
public:
    explicit HeldBack(const std::vector<std::string>& articles) {
        for (const auto& r : spi::run(waiting_queue_sql, {spi::array_literal(articles)}))
            queue_[spi::text(r, 0)].push_back(
                {{spi::integer(r, 2), spi::integer(r, 3)}, spi::integer(r, 1)});
        for (auto& entry : queue_) {
            std::sort(entry.second.begin(), entry.second.end());
            std::int64_t sum = 0;
            for (auto& waiting : entry.second) waiting.second = sum += waiting.second;
        }
    }

    [[nodiscard]] std::map<std::string, std::int64_t> ahead_of(
        const QueueKey& key, const std::vector<core::Line>& lines) const {
        std::map<std::string, std::int64_t> held;
        for (const auto& line : lines) {
            if (held.count(line.article) != 0) continue;
            std::int64_t sum = 0;
            auto queue = queue_.find(line.article);
            if (queue != queue_.end()) {
                // The running sum before the first entry at or after `key` (the plan itself).
                auto first =
                    std::lower_bound(queue->second.begin(), queue->second.end(),
                                     std::make_pair(key, std::numeric_limits<std::int64_t>::min()));
                if (first != queue->second.begin()) sum = std::prev(first)->second;
            }
            auto served = served_.find(line.article);
            if (served != served_.end()) sum -= served->second;
            held[line.article] = std::max<std::int64_t>(sum, 0);
        }
        return held;
    }

    // The plan now waits only for what its decision keeps waiting.
    void decided(const PlanToRoute& plan, const core::RoutingDecision& decision) {
        for (const auto& line : plan.lines) served_[line.article] += line.quantity;
        for (const auto& part : decision.parts)
            if (part.status == core::PlanStatus::Waiting)
                for (const auto& line : part.lines) served_[line.article] -= line.quantity;
    }

private:
    // Per article: (queue key, running sum of waiting quantity up to and including it).
    std::map<std::string, std::vector<std::pair<QueueKey, std::int64_t>>> queue_;
    std::map<std::string, std::int64_t> served_;  // what the batch's decisions took off
};

// Serves a pass's plans in one go: one read of their lines and offers,
// the decisions in memory in queue order (each sees what the earlier ones reserved), one
// NOWAIT lock and re-check of every stock row reserved, one write per table. So each stock
// row's `reserved` is written once, not once per plan (1,000 updates of one row made every
// later lock walk the row's version chain). Keeps nothing and returns false when a row is
// locked or changed: the caller then serves the plans one by one.
}  // namespace

bool serve_in_batch(const std::vector<std::string>& plan_ids, const RouteOptions& options,
                    int* changed) {
    int served = 0;
    const bool kept = in_lock_attempt(/*bounded=*/true, [&] {
        core::Timestamp now = 0;
        const core::Strategy strategy = load_strategy(&now, options.now_override);
        const bool strict = strategy.waiting_room_priority == core::WaitingRoomPriority::StrictFifo;

        std::set<std::string> locked;
        std::vector<std::string> waiting;
        for (const auto& r : spi::run(lock_plans_skip_sql, {spi::array_literal(plan_ids)})) {
            locked.insert(spi::text(r, 0));
            if (spi::text(r, 1) == "WAITING") waiting.push_back(spi::text(r, 0));
        }
        std::vector<std::string> skipped;  // another transaction holds them: it decides
        for (const auto& id : plan_ids)
            if (locked.count(id) == 0) skipped.push_back(id);
        defer_plans_articles(skipped);
        if (waiting.empty()) return true;

        std::map<std::string, QueueKey> keys;
        std::map<std::string, PlanToRoute> plans = load_plans(waiting, &keys);
        std::set<std::string> article_set;
        for (const auto& entry : plans)
            for (const auto& line : entry.second.lines) article_set.insert(line.article);
        const std::vector<std::string> articles(article_set.begin(), article_set.end());
        const OfferTable seen = load_offers(articles);
        std::optional<HeldBack> held_back;
        if (strict) held_back.emplace(articles);
        OfferTable current = seen;  // what the decisions so far left available
        std::map<StockKey, std::size_t> offer_at;
        for (std::size_t i = 0; i < current.offers.size(); ++i)
            offer_at[{current.offers[i].facility_ref, current.offers[i].article}] = i;

        DecisionWriter writer;
        EventLog events;
        BatchRequests requests;
        std::map<StockKey, std::int64_t> reservations;
        const std::map<StockKey, std::int64_t> available = availability_of(seen.offers);
        std::map<StockKey, std::int64_t> from_stock;  // the batch's, for the safety net
        const bool forget_reservations = debug_fault_is("batch_bookkeeping");
        for (const auto& id : plan_ids) {  // queue order
            auto found = plans.find(id);
            if (found == plans.end() || found->second.lines.empty()) continue;
            const PlanToRoute& plan = found->second;
            core::RoutingRequest& request = requests.for_plan(current, plan, strategy, now);
            if (held_back) request.held_back = held_back->ahead_of(keys.at(id), plan.lines);
            core::RoutingDecision decision = core::route(request);
            keep_unserved_waiting(plan, decision);
            if (leaves_plan_unchanged(plan, decision)) continue;
            if (held_back) held_back->decided(plan, decision);
            require_within_availability(decision, available, from_stock);
            writer.add(plan, decision, options, events);
            ++served;
            for (const auto& [key, quantity] : reservations_of(decision)) {
                reservations[key] += quantity;
                auto offer = offer_at.find(key);
                if (offer != offer_at.end() && !forget_reservations)
                    current.offers[offer->second].reserved += quantity;
            }
        }
        if (!reservations.empty()) {
            if (!lock_and_recheck(reservations, seen.offers, seen.missing_stock_rows,
                                  /*nowait=*/true))
                return false;
        }
        writer.flush();
        events.flush();
        return true;
    });
    if (kept) *changed += served;
    return kept;
}

}  // namespace waitroom::pg
