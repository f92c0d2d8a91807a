// The waiting room (SPEC §4): the pass that serves waiting plans in the merchant's priority
// order, pre-order release, reroute / reroute_all and manual assignment.
#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/order_input.hpp"
#include "core/router.hpp"
#include "pg/plan_routing.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "access/xact.h"
#include "executor/spi.h"
}

namespace waitroom::pg {
namespace {

// Of the raised articles: those a committed plan waits for, and (a NULL row) whether earlier
// passes deferred work. Runs after the pass tried the waiting locks, so its snapshot sees
// every decision to wait that committed before (later ones wait for the lock, then see the
// raise). A restock nobody waits for costs this small query and the lock alone.
spi::Statement waited_articles_sql{
    "SELECT a FROM unnest($1::text[]) AS a"  // one index probe per article, never a hash
    " WHERE (SELECT true FROM waitroom.routing_plan_line w"  // of every waiting line
    "         WHERE w.waiting AND w.tenant_article_id = a LIMIT 1)"
    " UNION ALL "  // a NULL row: earlier passes deferred work
    "(SELECT NULL FROM waitroom.reroute_queue LIMIT 1)",
    1};

// Every article of every waiting plan that needs one of these articles: the articles a
// pass may touch, locked exclusive before it reads anything.
spi::Statement article_closure_sql{
    "SELECT DISTINCT l2.tenant_article_id"
    "  FROM unnest($1::text[]) AS a(article)"
    " CROSS JOIN LATERAL (SELECT l.routing_plan_id FROM waitroom.routing_plan_line l"
    "                      WHERE l.waiting AND l.tenant_article_id = a.article OFFSET 0) w"
    " CROSS JOIN LATERAL (SELECT l2.tenant_article_id FROM waitroom.routing_plan_line l2"
    "                      WHERE l2.routing_plan_id = w.routing_plan_id AND l2.waiting"
    "                     OFFSET 0) l2",
    1};

// WAITING plans needing these articles, in the queue order of waiting_room_priority. Each
// article's waiting lines come from the partial index, each plan and order by its key: the
// cost follows the plans served, not the size of the waiting room.
spi::Statement waiting_plans_sql{
    "SELECT p.routing_plan_id"
    "  FROM (SELECT DISTINCT w.routing_plan_id"
    "          FROM unnest($1::text[]) AS a(article)"
    "         CROSS JOIN LATERAL (SELECT l.routing_plan_id FROM waitroom.routing_plan_line l"
    "                              WHERE l.waiting AND l.tenant_article_id = a.article"
    "                             OFFSET 0) w) ids"
    " CROSS JOIN LATERAL (SELECT p.routing_plan_id, p.plan_no, o.order_date, o.priority"
    "                       FROM waitroom.routing_plan p"
    "                       JOIN waitroom.orders o ON o.order_id = p.order_id"
    "                      WHERE p.routing_plan_id = ids.routing_plan_id"
    "                        AND p.status = 'WAITING' OFFSET 0) p"
    " ORDER BY CASE WHEN (SELECT waiting_room_priority FROM waitroom.routing_strategy)"
    "               = 'PRIORITY' THEN p.priority END DESC NULLS LAST,"
    "          p.order_date, p.plan_no",
    1};

// WAITING plans holding a line whose article has a PREORDER listing released by `at`.
spi::Statement due_articles_sql{
    "SELECT DISTINCT l.tenant_article_id"
    "  FROM waitroom.routing_plan_line l"
    "  JOIN waitroom.listing li ON li.tenant_article_id = l.tenant_article_id"
    " WHERE l.waiting AND li.out_of_stock_behaviour = 'PREORDER' AND li.status = 'ACTIVE'"
    "   AND li.preorder_available_from <= $1::timestamptz",
    1};

}  // namespace

// The plan's order row, then the plan row; SKIP LOCKED in a waiting-room pass (whoever
// holds them decides). Every writer of an order's plans holds its order row, so the order's
// events commit in event_id order, the order waitroomd publishes them in.
spi::Statement lock_plan_sql{
    "SELECT p.status FROM waitroom.orders o"
    "  JOIN waitroom.routing_plan p ON p.order_id = o.order_id"
    " WHERE p.routing_plan_id = $1::uuid"
    "   FOR NO KEY UPDATE",
    1};

namespace {
spi::Statement lock_plan_skip_sql{
    "SELECT p.status FROM waitroom.orders o"
    "  JOIN waitroom.routing_plan p ON p.order_id = o.order_id"
    " WHERE p.routing_plan_id = $1::uuid"
    "   FOR NO KEY UPDATE SKIP LOCKED",
    1};

// The batch of a pass: the plans' order and plan rows at once, SKIP LOCKED (the unnest-sized
// estimate keeps each a primary-key probe).
spi::Statement lock_plans_skip_sql{
    "SELECT p.routing_plan_id, p.status"
    "  FROM unnest($1::uuid[]) AS x(id)"
    "  JOIN waitroom.routing_plan p ON p.routing_plan_id = x.id"
    "  JOIN waitroom.orders o ON o.order_id = p.order_id"
    "   FOR NO KEY UPDATE OF o, p SKIP LOCKED",
    1};

// A plan's order and lines (quantity > 0, in line order), for many plans at once.
spi::Statement plans_lines_sql{
    "SELECT p.routing_plan_id, p.order_id, o.tenant_order_id, p.parent_routing_plan_id,"
    "       p.status, o.consumer_lat, o.consumer_lon, l.line_id, l.tenant_article_id,"
    "       l.quantity, ol.bundle_ref,"
    "       (extract(epoch FROM o.order_date) * 1000000)::bigint, p.plan_no"
    "  FROM unnest($1::uuid[]) AS x(id)"
    "  JOIN waitroom.routing_plan p ON p.routing_plan_id = x.id"
    "  JOIN waitroom.orders o ON o.order_id = p.order_id"
    "  LEFT JOIN waitroom.routing_plan_line l"
    "         ON l.routing_plan_id = p.routing_plan_id AND l.quantity > 0"
    "  LEFT JOIN waitroom.order_line ol ON ol.order_id = l.order_id AND ol.line_id = l.line_id"
    " ORDER BY p.routing_plan_id, ol.position",
    1};

// Deferring also notifies waitroom_reroute (at commit): waitroomd then calls release_due(),
// which drains the queue, at once instead of on its timer.
spi::Statement enqueue_plan_articles_sql{
    "WITH queued AS (INSERT INTO waitroom.reroute_queue (tenant_article_id)"
    "  SELECT DISTINCT tenant_article_id FROM waitroom.routing_plan_line"
    "   WHERE routing_plan_id = $1::uuid AND waiting RETURNING 1)"
    "SELECT pg_notify('waitroom_reroute', '') WHERE EXISTS (SELECT 1 FROM queued)",
    1};
spi::Statement enqueue_plans_articles_sql{
    "WITH queued AS (INSERT INTO waitroom.reroute_queue (tenant_article_id)"
    "  SELECT DISTINCT l.tenant_article_id FROM unnest($1::uuid[]) AS x(id)"
    "   CROSS JOIN LATERAL (SELECT l.tenant_article_id FROM waitroom.routing_plan_line l"
    "                        WHERE l.routing_plan_id = x.id AND l.waiting OFFSET 0) l"
    "  RETURNING 1)"
    "SELECT pg_notify('waitroom_reroute', '') WHERE EXISTS (SELECT 1 FROM queued)",
    1};
}  // namespace

spi::Statement claim_retries_sql{
    "WITH claimed AS (DELETE FROM waitroom.reroute_queue q"
    "  WHERE q.entry_id IN (SELECT entry_id FROM waitroom.reroute_queue"
    "                        ORDER BY entry_id LIMIT 1000 FOR UPDATE SKIP LOCKED)"
    "  RETURNING q.tenant_article_id)"
    "SELECT DISTINCT tenant_article_id FROM claimed",
    0};

namespace {

// A plan's place in the STRICT_FIFO queue: (order_date in epoch microseconds, plan_no).
using QueueKey = std::pair<std::int64_t, std::int64_t>;

// The plans' lines, by plan id, and (if `keys`) each plan's queue key.
std::map<std::string, PlanToRoute> load_plans(const std::vector<std::string>& plan_ids,
                                              std::map<std::string, QueueKey>* keys) {
    std::map<std::string, PlanToRoute> plans;
    for (const auto& r : spi::run(plans_lines_sql, {spi::array_literal(plan_ids)})) {
        const std::string& id = spi::text(r, 0);
        auto [it, fresh] = plans.try_emplace(id);
        PlanToRoute& plan = it->second;
        if (fresh) {
            if (keys != nullptr) (*keys)[id] = {spi::integer(r, 11), spi::integer(r, 12)};
            plan.routing_plan_id = id;
            plan.order_id = spi::text(r, 1);
            plan.tenant_order_id = spi::text(r, 2);
            if (r[3]) plan.parent_routing_plan_id = *r[3];
            plan.current_status = spi::text(r, 4);
            if (r[5] && r[6]) plan.consumer = core::Location{spi::real(r, 5), spi::real(r, 6)};
        }
        if (!r[7]) continue;
        core::Line line;
        line.line_id = spi::text(r, 7);
        line.article = spi::text(r, 8);
        line.quantity = spi::integer(r, 9);
        if (r[10]) line.bundle_ref = *r[10];
        plan.lines.push_back(std::move(line));
    }
    return plans;
}

}  // namespace

std::optional<PlanToRoute> load_plan(const std::string& plan_id) {
    std::map<std::string, PlanToRoute> plans = load_plans({plan_id}, nullptr);
    if (plans.empty()) return std::nullopt;
    return std::move(plans.begin()->second);
}

std::vector<std::string> first_column(const spi::Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(spi::text(r, 0));
    return out;
}

// Re-routes one plan if it is still unrouted; returns whether it changed.
bool reroute_one(const std::string& plan_id, const RouteOptions& options, EventLog& events) {
    spi::Rows locked =
        spi::run(options.waiting_room_pass ? lock_plan_skip_sql : lock_plan_sql, {plan_id});
    if (locked.empty()) {  // locked by another transaction: it decides, or the retry does
        if (options.waiting_room_pass) spi::run(enqueue_plan_articles_sql, {plan_id});
        return false;
    }
    const std::string& status = spi::text(locked[0], 0);
    if (status != "WAITING" && status != "NOT_ROUTABLE") return false;
    std::optional<PlanToRoute> plan = load_plan(plan_id);
    if (!plan || plan->lines.empty()) return false;
    RouteResult result = route_plan(*plan, options, events);
    if (result.outcome == RouteOutcome::Deferred) spi::run(enqueue_plan_articles_sql, {plan_id});
    return result.outcome == RouteOutcome::Changed;
}

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
        if (!skipped.empty()) spi::run(enqueue_plans_articles_sql, {spi::array_literal(skipped)});
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

}  // namespace

// Serves the WAITING plans that need these articles, in queue order (first fit; STRICT_FIFO's
// held-back rule lives in the router's budget), after locking the articles of those plans:
// passes wait (bounded) for each other, then take the waiting lock without waiting. Returns
// false when it deferred them to reroute_queue instead.
bool serve_waiting(const std::vector<std::string>& articles, const std::string* now_override,
                   int* changed) {
    if (articles.empty()) return true;
    std::vector<std::string> closure =
        first_column(spi::run(article_closure_sql, {spi::array_literal(articles)}));
    closure.insert(closure.end(), articles.begin(), articles.end());
    std::sort(closure.begin(), closure.end());
    closure.erase(std::unique(closure.begin(), closure.end()), closure.end());
    if (!lock_pass(closure) || !try_lock_waiting_exclusive(closure).empty()) {
        defer_articles(articles);
        return false;
    }

    RouteOptions options;
    options.run_type = "REACTIVATION";
    options.now_override = now_override;
    options.waiting_room_pass = true;
    const std::vector<std::string> plan_ids =
        first_column(spi::run(waiting_plans_sql, {spi::array_literal(articles)}));
    if (plan_ids.empty() || serve_in_batch(plan_ids, options, changed)) return true;
    for (const std::string& plan_id : plan_ids) {
        // Each plan in its own subtransaction with bounded lock waits: whatever this pass
        // would wait for (a plan's order row locked by the app, a foreign key check) it gives
        // up on before the deadlock detector could fire, and defers the plan instead.
        bool routed = false;
        if (in_lock_attempt(/*bounded=*/true, [&] {
                EventLog events;
                routed = reroute_one(plan_id, options, events);
                events.flush();
                return true;
            })) {
            if (routed) ++*changed;
        } else {
            spi::run(enqueue_plan_articles_sql, {plan_id});
        }
    }
    return true;
}

// One pass over articles whose availability rose: take their waiting locks without waiting,
// then serve the waiting plans of those a committed plan waits for (serve_waiting defers what
// it cannot lock), defer the others a decision in flight holds, and (`drain`) then serve the
// articles earlier passes deferred.
//
// At REPEATABLE READ and SERIALIZABLE (the caller's transaction: a stock UPDATE, a listing
// change, cancel_order, release_due) the pass only defers the articles to reroute_queue, and
// a drain at READ COMMITTED after this transaction commits serves them (NOTIFY wakes
// waitroomd at commit). Serving here cannot be correct:
// - every query reads with the transaction's snapshot, taken before the waiting locks: a
//   decision to wait that committed since is invisible, so the raise would serve nobody and
//   defer nothing (the waiting lock protocol needs a snapshot taken after the lock);
// - locking a plan or stock row changed since that snapshot raises 40001 into the caller's
//   statement, and at SERIALIZABLE the pass's reads make the caller's COMMIT one side of a
//   read/write cycle with concurrent serializable orders.
// Deferring reads nothing and locks no row: one INSERT, which neither snapshot nor SSI can
// refuse (reroute_queue has no unique key, and no serializable transaction reads it). It is
// undone with the transaction if that aborts (then nothing was raised). Nothing is lost: the
// drain looks every waiting plan up afresh, after our commit, and re-defers what is still in
// flight.
int waiting_room_pass(std::vector<std::string> articles, const std::string* now_override,
                      bool drain) {
    std::sort(articles.begin(), articles.end());
    articles.erase(std::unique(articles.begin(), articles.end()), articles.end());
    if (articles.empty()) return 0;
    if (IsolationUsesXactSnapshot()) {
        defer_articles(articles);
        return 0;
    }
    std::vector<std::string> refused = try_lock_waiting_exclusive(articles);
    std::vector<std::string> waited;
    bool queued = false;
    for (const spi::Row& row : spi::run(waited_articles_sql, {spi::array_literal(articles)})) {
        if (row[0])
            waited.push_back(*row[0]);
        else
            queued = true;
    }
    std::sort(waited.begin(), waited.end());
    std::sort(refused.begin(), refused.end());
    std::vector<std::string> held;  // nobody visibly waits, but a decision to wait is in flight
    std::set_difference(refused.begin(), refused.end(), waited.begin(), waited.end(),
                        std::back_inserter(held));
    bool deferred = !held.empty();
    if (deferred) defer_articles(held);
    int changed = 0;
    deferred = !serve_waiting(waited, now_override, &changed) || deferred;
    if (drain && !deferred && queued) {
        std::vector<std::string> claimed = first_column(spi::run(claim_retries_sql, {}));
        changed += waiting_room_pass(std::move(claimed), now_override, /*drain=*/false);
    }
    return changed;
}

// A pass for articles named by the caller (listing and facility changes, pre-orders due).
int reactivate_articles(const std::vector<std::string>& articles, const std::string* now_override) {
    if (articles.empty()) return 0;
    return waiting_room_pass(articles, now_override, /*drain=*/true);
}

// Articles earlier passes deferred: tried again (release_due, reroute_all and the end of
// every stock pass that was not itself deferred drain it).
int drain_retry_queue(const std::string* now_override) {
    // At REPEATABLE READ / SERIALIZABLE the claim could not serve what it takes (see
    // waiting_room_pass): the entries stay for a drain at READ COMMITTED.
    if (IsolationUsesXactSnapshot()) return 0;
    return waiting_room_pass(first_column(spi::run(claim_retries_sql, {})), now_override,
                             /*drain=*/false);
}

}  // namespace waitroom::pg

using waitroom::pg::invoke;
namespace spi = waitroom::pg::spi;

extern "C" {

// waitroom._reactivate(articles text[]): the same pass, for listing and facility changes.
PG_FUNCTION_INFO_V1(waitroom_reactivate);
Datum waitroom_reactivate(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string articles = waitroom::pg::jsonb_arg_text(fc, 0);
        spi::connect();
        std::vector<std::string> list;
        try {
            list = nlohmann::json::parse(articles).get<std::vector<std::string>>();
        } catch (const nlohmann::json::exception&) {
            throw waitroom::core::UserError(waitroom::core::sqlstate::kInvalidParameter,
                                            "articles must be a JSON array of strings");
        }
        int changed = waitroom::pg::reactivate_articles(list, nullptr);
        spi::finish();
        return Int32GetDatum(changed);
    });
}

PG_FUNCTION_INFO_V1(waitroom_release_due);
Datum waitroom_release_due(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string at = waitroom::pg::text_arg(fc, 0);
        spi::connect();
        std::vector<std::string> due =
            waitroom::pg::first_column(spi::run(waitroom::pg::due_articles_sql, {at}));
        int changed = waitroom::pg::reactivate_articles(due, &at);
        changed += waitroom::pg::drain_retry_queue(&at);
        spi::finish();
        return Int32GetDatum(changed);
    });
}
}
