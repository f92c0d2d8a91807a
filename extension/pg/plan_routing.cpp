// Routing one plan: decide (core), take the waiting locks of what the decision leaves
// waiting, lock the stock rows it reserves in a fixed order and re-check them, then write it
// (decision_writer.cpp). New orders and every re-route come through here.
#include "pg/plan_routing.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/router.hpp"
#include "pg/decision_writer.hpp"
#include "pg/explain_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/retry_queue.hpp"
#include "pg/routing_store.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
}

namespace waitroom::pg {
namespace {

// Optimistic attempts before the fallback locks every candidate row up front.
constexpr int kOptimisticAttempts = 3;

std::vector<std::string> waiting_articles(const core::RoutingDecision& d) {
    std::set<std::string> unique;
    for (const auto& part : d.parts)
        if (part.status == core::PlanStatus::Waiting)
            for (const auto& l : part.lines) unique.insert(l.article);
    return {unique.begin(), unique.end()};
}

}  // namespace

// A re-route that leaves the plan as it was writes nothing and emits nothing.
bool leaves_plan_unchanged(const PlanToRoute& plan, const core::RoutingDecision& d) {
    if (plan.is_new || d.parts.size() != 1) return false;
    const auto& part = d.parts[0];
    if (part.status == core::PlanStatus::Routed || status_name(part.status) != plan.current_status)
        return false;
    return part.lines.size() == plan.lines.size();
}

void keep_unserved_waiting(const PlanToRoute& plan, core::RoutingDecision& d) {
    const auto held = [](const core::PlannedPart& part) {
        return part.status == core::PlanStatus::Waiting ||
               part.status == core::PlanStatus::NotRoutable;
    };
    const auto not_routable = [](const core::PlannedPart& part) {
        return part.status == core::PlanStatus::NotRoutable;
    };
    if (std::none_of(d.parts.begin(), d.parts.end(), not_routable)) return;
    std::map<std::string, core::PlannedLine> unserved;
    for (const auto& part : d.parts)
        if (held(part))
            for (const auto& l : part.lines) unserved.emplace(l.line_id, l);
    d.parts.erase(std::remove_if(d.parts.begin(), d.parts.end(), held), d.parts.end());
    core::PlannedPart waiting{core::PlanStatus::Waiting, std::nullopt, {}};
    for (const auto& line : plan.lines) {
        auto found = unserved.find(line.line_id);
        if (found != unserved.end()) waiting.lines.push_back(found->second);
    }
    d.parts.push_back(std::move(waiting));
}

namespace {

// At REPEATABLE READ / SERIALIZABLE a decision reads the transaction's snapshot, also after
// its waiting locks: a restock that committed after that snapshot (before or while we took
// the lock) is invisible to it, and its pass found nobody waiting. So what such a decision
// leaves waiting is deferred: the drain after our commit decides again with a fresh
// snapshot. (At READ COMMITTED the decision after the lock sees the restock.)
void defer_waiting_of_old_snapshot(bool pass, const core::RoutingDecision& decision) {
    if (pass || !IsolationUsesXactSnapshot()) return;
    defer_articles(waiting_articles(decision));
}

// A stock row this decision would reserve from changed after the transaction's snapshot
// (REPEATABLE READ / SERIALIZABLE): it can neither see the row as it is nor lock it, so it
// decides nothing from it. A new plan waits whole, a re-routed one stays as it was, and
// their waiting articles are deferred: the drain after commit decides with a fresh snapshot.
// (A NOT_ROUTABLE plan waits for the next reroute.)
RouteResult wait_for_fresh_snapshot(const PlanToRoute& plan, const RouteOptions& options,
                                    EventLog& events) {
    RouteResult result;
    core::PlannedPart waiting{core::PlanStatus::Waiting, std::nullopt, {}};
    for (const auto& line : plan.lines) {
        core::PlannedLine held;
        held.line_id = line.line_id;
        held.article = line.article;
        held.quantity = line.quantity;
        waiting.lines.push_back(std::move(held));
    }
    result.decision.rule = "waits: stock changed after the transaction's snapshot";
    result.decision.parts.push_back(std::move(waiting));
    if (plan.is_new) {
        result.written = write_decision(plan, result.decision, options, events);
        result.outcome = RouteOutcome::Changed;
    }
    if (plan.is_new || plan.current_status == "WAITING") defer_articles(articles_of(plan.lines));
    return result;
}

// Decides the plan; `traced`: with the router's trace and every listing of its articles in
// view (explain's log). The decision is the same either way.
void decide(const core::RoutingRequest& request, bool traced, const PlanToRoute& plan, bool pass,
            RouteResult& result) {
    if (traced) {
        core::TracedDecision decided =
            route_with_trace(request, NonCandidates(articles_of(plan.lines)));
        result.decision = std::move(decided.decision);
        result.trace = std::move(decided.trace);
    } else {
        result.decision = core::route(request);
        result.trace.reset();
    }
    if (pass) keep_unserved_waiting(plan, result.decision);
}

}  // namespace

RouteResult route_plan(const PlanToRoute& plan, const RouteOptions& options, EventLog& events) {
    RouteResult result;
    // A pass serves WAITING plans only: NOT_ROUTABLE ones wait for reroute / reroute_all.
    if (options.waiting_room_pass && plan.current_status != "WAITING") return result;
    core::Timestamp now = 0;
    const core::Strategy strategy = load_strategy(&now, options.now_override);
    const std::vector<std::string> articles = articles_of(plan.lines);
    const bool inject_fault = debug_fault_is("core");
    const bool pass = options.waiting_room_pass;
    // The waiting locks this decision holds shared (outside a pass), taken below for every
    // article a decision leaves waiting; the fallback takes all of the plan's.
    std::set<std::string> locked_articles;
    const int optimistic_attempts = lock_all_candidates_first() ? 0 : kOptimisticAttempts;

    for (int attempt = 0;; ++attempt) {
        // Locking every candidate row up front guarantees progress when re-checks keep
        // failing; outside a pass only. The article locks come first: nobody holding stock
        // rows may wait for them.
        const bool fallback = !pass && attempt >= optimistic_attempts;
        if (fallback) {
            if (locked_articles.size() != articles.size()) {
                lock_articles_shared(articles);
                locked_articles.insert(articles.begin(), articles.end());
            }
            lock_all_candidate_rows(articles, /*nowait=*/false);
        }
        LoadedRequest loaded = load_request(plan.lines, plan.consumer, strategy, now);
        loaded.request.debug_throw = inject_fault;
        if (strategy.waiting_room_priority == core::WaitingRoomPriority::StrictFifo)
            loaded.request.held_back = held_back_before(
                articles, plan.is_new ? std::string() : plan.routing_plan_id, plan.order_id);
        // A new plan is traced (explain's log) from the start; a re-route only when it
        // writes, below: most re-decisions leave their plan as it was.
        decide(loaded.request, plan.is_new, plan, pass, result);
        std::map<StockKey, std::int64_t> from_stock;
        require_within_availability(result.decision, availability_of(loaded.request.offers),
                                    from_stock);

        // Every decision, not only the first to wait: a re-decision can leave another
        // article waiting (its stock went meanwhile), and a restock of it that commits before
        // us must find our lock and defer, or we would wait while it has stock. No stock row
        // is held here (the fallback took all the plan's locks before its rows).
        if (!pass) {
            std::vector<std::string> unlocked;
            for (const std::string& article : waiting_articles(result.decision))
                if (locked_articles.count(article) == 0) unlocked.push_back(article);
            if (!unlocked.empty()) {
                lock_articles_shared(unlocked);
                locked_articles.insert(unlocked.begin(), unlocked.end());
                continue;  // decide again: a restock that held the lock is now visible
            }
        }
        if (leaves_plan_unchanged(plan, result.decision)) {
            defer_waiting_of_old_snapshot(pass, result.decision);
            return result;
        }
        if (!result.trace) decide(loaded.request, true, plan, pass, result);

        auto reservations = reservations_of(result.decision);
        bool stale = false;  // a row to reserve changed after the transaction's snapshot
        if (reservations.empty() || fallback) {
            if (fallback && !reservations.empty())
                lock_in_snapshot(
                    [&] {
                        return lock_and_recheck(reservations, loaded.request.offers,
                                                loaded.missing_stock_rows, false);
                    },
                    &stale);
            if (stale) return wait_for_fresh_snapshot(plan, options, events);
            break;
        }
        // Outside a pass we wait for the rows; rows that changed under us are released
        // (rolled back) before deciding again.
        if (!pass) {
            if (in_lock_attempt(/*bounded=*/false, [&] {
                    return lock_in_snapshot(
                        [&] {
                            return lock_and_recheck(reservations, loaded.request.offers,
                                                    loaded.missing_stock_rows, /*nowait=*/false);
                        },
                        &stale);
                }))
                break;
            if (stale) return wait_for_fresh_snapshot(plan, options, events);
            continue;
        }
        // A pass never waits for rows: the app's UPDATE holds rows of its own.
        const spi::Subtransaction locked = spi::in_subtransaction([&] {
            // Rows that changed are released (undone): no lock held while we decide again.
            return lock_and_recheck(reservations, loaded.request.offers, loaded.missing_stock_rows,
                                    /*nowait=*/true);
        });
        if (locked.undone_by(ERRCODE_LOCK_NOT_AVAILABLE)) {
            result.outcome = RouteOutcome::Deferred;
            return result;
        }
        if (locked.kept) break;
        if (attempt >= kOptimisticAttempts) {
            result.outcome = RouteOutcome::Deferred;
            return result;
        }
    }
    result.written = write_decision(plan, result.decision, options, events,
                                    result.trace ? &*result.trace : nullptr);
    result.outcome = RouteOutcome::Changed;
    defer_waiting_of_old_snapshot(pass, result.decision);
    return result;
}

}  // namespace waitroom::pg
