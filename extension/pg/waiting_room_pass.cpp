// The waiting room's pass (SPEC §4): serves the WAITING plans of articles whose availability
// rose, in the merchant's queue order, and drains what earlier passes deferred.
#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "pg/event_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/plan_routing.hpp"
#include "pg/retry_queue.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
#include "pg/unrouted_plan.hpp"
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
    "         WHERE w.waiting AND w.tenant_id = $2 AND w.tenant_article_id = a LIMIT 1)"
    " UNION ALL "  // a NULL row: earlier passes deferred work (of this tenant)
    "(SELECT NULL FROM waitroom.reroute_queue WHERE tenant_id = $2 LIMIT 1)",
    2};

// Every article of every waiting plan that needs one of these articles: the articles a
// pass may touch, locked exclusive before it reads anything.
spi::Statement article_closure_sql{
    "SELECT DISTINCT l2.tenant_article_id"
    "  FROM unnest($1::text[]) AS a(article)"
    " CROSS JOIN LATERAL (SELECT l.routing_plan_id FROM waitroom.routing_plan_line l"
    "                      WHERE l.waiting AND l.tenant_id = $2"
    "                        AND l.tenant_article_id = a.article OFFSET 0) w"
    " CROSS JOIN LATERAL (SELECT l2.tenant_article_id FROM waitroom.routing_plan_line l2"
    "                      WHERE l2.tenant_id = $2 AND l2.routing_plan_id = w.routing_plan_id"
    "                        AND l2.waiting OFFSET 0) l2",
    2};

// WAITING plans needing these articles, in queue order (waitroom.waiting_queue: each
// article's waiting lines from the partial index, each plan and order by its key, so the
// cost follows the plans served, not the size of the waiting room).
spi::Statement waiting_plans_sql{
    "SELECT q.routing_plan_id FROM waitroom.waiting_queue($2, $1::text[]) q"
    " GROUP BY q.routing_plan_id ORDER BY min(q.queue_rank)",
    2};

}  // namespace

// Serves the WAITING plans that need these articles, in queue order (first fit; STRICT_FIFO's
// held-back rule lives in the router's budget), after locking the articles of those plans:
// passes wait (bounded) for each other, then take the waiting lock without waiting. Returns
// false when it deferred them to reroute_queue instead.
bool serve_waiting(const std::vector<std::string>& articles, const std::string* now_override,
                   int* changed) {
    if (articles.empty()) return true;
    std::vector<std::string> closure =
        first_column(spi::run(article_closure_sql, {spi::array_literal(articles), tenant()}));
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
        first_column(spi::run(waiting_plans_sql, {spi::array_literal(articles), tenant()}));
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
            defer_plan_articles(plan_id);
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
    for (const spi::Row& row :
         spi::run(waited_articles_sql, {spi::array_literal(articles), tenant()})) {
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
        std::vector<std::string> claimed = claim_deferred_articles();
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
    return waiting_room_pass(claim_deferred_articles(), now_override,
                             /*drain=*/false);
}

}  // namespace waitroom::pg

using waitroom::pg::invoke;
namespace spi = waitroom::pg::spi;

extern "C" {

// waitroom._reactivate(tenant_id text, articles jsonb): the same pass, for listing, facility
// and strategy changes (their triggers call it once per tenant).
PG_FUNCTION_INFO_V1(waitroom_reactivate);
Datum waitroom_reactivate(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string tenant_id = waitroom::pg::text_arg(fc, 0);
        if (tenant_id.empty())
            throw waitroom::core::UserError(waitroom::core::sqlstate::kInvalidParameter,
                                            "tenant_id must not be empty");
        const waitroom::pg::TenantScope scope(tenant_id);
        const std::string articles = waitroom::pg::jsonb_arg_text(fc, 1);
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
}
