// A waiting-room pass serving its plans in one batch: the decisions in memory in queue order,
// one NOWAIT lock and re-check of every stock row reserved, one write per table.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/router.hpp"
#include "pg/decision_writer.hpp"
#include "pg/explain_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/plan_routing.hpp"
#include "pg/retry_queue.hpp"
#include "pg/routing_store.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
#include "pg/unrouted_plan.hpp"
#include "pg/waiting_room.hpp"

namespace waitroom::pg {
namespace {

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

// Each plan's STRICT_FIFO held-back quantity per article (waitroom.waiting_queue: what
// waits ahead of it), less what the batch's earlier decisions took off: the batch serves its
// plans in queue order, so each served plan is ahead of every plan after it.
spi::Statement waiting_ahead_sql{
    "SELECT q.routing_plan_id, q.tenant_article_id, q.ahead FROM "
    "waitroom.waiting_queue($2, $1::text[]) q",
    2};

class HeldBack {
public:
    explicit HeldBack(const std::vector<std::string>& articles) {
        for (const auto& r : spi::run(waiting_ahead_sql, {spi::array_literal(articles), tenant()}))
            ahead_[{spi::text(r, 0), spi::text(r, 1)}] = spi::integer(r, 2);
    }

    [[nodiscard]] std::map<std::string, std::int64_t> ahead_of(
        const std::string& plan_id, const std::vector<core::Line>& lines) const {
        std::map<std::string, std::int64_t> held;
        for (const auto& line : lines) {
            if (held.count(line.article) != 0) continue;
            auto ahead = ahead_.find({plan_id, line.article});
            std::int64_t sum = ahead == ahead_.end() ? 0 : ahead->second;
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
    std::map<std::pair<std::string, std::string>, std::int64_t> ahead_;  // (plan, article)
    std::map<std::string, std::int64_t> served_;  // what the batch's decisions took off
};

}  // namespace

// Serves a pass's plans in one go: one read of their lines and offers,
// the decisions in memory in queue order (each sees what the earlier ones reserved), one
// NOWAIT lock and re-check of every stock row reserved, one write per table. So each stock
// row's `reserved` is written once, not once per plan (1,000 updates of one row made every
// later lock walk the row's version chain). Keeps nothing and returns false when a row is
// locked or changed: the caller then serves the plans one by one.
bool serve_in_batch(const std::vector<std::string>& plan_ids, const RouteOptions& options,
                    int* changed) {
    int served = 0;
    const bool kept = in_lock_attempt(/*bounded=*/true, [&] {
        core::Timestamp now = 0;
        const core::Strategy strategy = load_strategy(&now, options.now_override);
        const bool strict = strategy.waiting_room_priority == core::WaitingRoomPriority::StrictFifo;

        std::set<std::string> locked;
        std::vector<std::string> waiting;
        for (const auto& [id, status] : lock_plans_skip_locked(plan_ids)) {
            locked.insert(id);
            if (status == "WAITING") waiting.push_back(id);
        }
        std::vector<std::string> skipped;  // another transaction holds them: it decides
        for (const auto& id : plan_ids)
            if (locked.count(id) == 0) skipped.push_back(id);
        defer_plans_articles(skipped);
        if (waiting.empty()) return true;

        std::map<std::string, PlanToRoute> plans = load_plans(waiting);
        const std::vector<std::string> articles = articles_of(plans);
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
        std::optional<NonCandidates> others;  // loaded for the first plan the batch changes
        std::map<StockKey, std::int64_t> reservations;
        const std::map<StockKey, std::int64_t> available = availability_of(seen.offers);
        std::map<StockKey, std::int64_t> from_stock;  // the batch's, for the safety net
        const bool forget_reservations = debug_fault_is("batch_bookkeeping");
        for (const auto& id : plan_ids) {  // queue order
            auto found = plans.find(id);
            if (found == plans.end() || found->second.lines.empty()) continue;
            const PlanToRoute& plan = found->second;
            core::RoutingRequest& request = requests.for_plan(current, plan, strategy, now);
            if (held_back) request.held_back = held_back->ahead_of(id, plan.lines);
            core::RoutingDecision decision = core::route(request);
            keep_unserved_waiting(plan, decision);
            if (leaves_plan_unchanged(plan, decision)) continue;
            // explain's log: a plan the batch changes is decided again with its trace (the same
            // decision); the many it leaves waiting cost no trace.
            if (!others) others.emplace(articles);
            core::TracedDecision traced = route_with_trace(request, *others);
            decision = std::move(traced.decision);
            keep_unserved_waiting(plan, decision);
            if (held_back) held_back->decided(plan, decision);
            require_within_availability(decision, available, from_stock);
            writer.add(plan, decision, options, events, &traced.trace);
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
