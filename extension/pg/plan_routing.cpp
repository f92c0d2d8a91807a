#include "pg/plan_routing.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "core/router.hpp"
#include "pg/guard.hpp"
#include "pg/json_text.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/uuid.h"
}

namespace waitroom::pg {
namespace {

// Optimistic attempts before the fallback locks every candidate row up front.
constexpr int kOptimisticAttempts = 3;

// The writes of decisions take one text[] literal per column (`unnest($1::uuid[], ...)`):
// Postgres reads them far faster than JSON records, and the unnest-sized estimates keep every
// UPDATE a primary-key probe. New plans and their lines are inserted; a re-routed plan (the
// part that keeps its id) and its lines are updated.
spi::Statement insert_plans_sql{
    "INSERT INTO waitroom.routing_plan (routing_plan_id, order_id, parent_routing_plan_id,"
    "       status, facility_ref, run_type, waiting_since, decided_by)"
    "SELECT x.id, x.order_id, x.parent, x.status, x.facility, x.run_type,"
    "       CASE WHEN x.status = 'WAITING' THEN now() END, x.rule"
    "  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],"
    "              $7::text[]) AS x(id, order_id, parent, status, facility, run_type, rule)",
    7};

spi::Statement update_plans_sql{
    "UPDATE waitroom.routing_plan p"
    "   SET status = x.status, facility_ref = x.facility, run_type = x.run_type,"
    "       decided_by = x.rule, updated_at = now(),"
    "       waiting_since = coalesce(p.waiting_since,"
    "                                CASE WHEN x.status = 'WAITING' THEN now() END)"
    "  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])"
    "       AS x(id, status, facility, run_type, rule)"
    " WHERE p.routing_plan_id = x.id",
    5};

spi::Statement insert_plan_lines_sql{
    "INSERT INTO waitroom.routing_plan_line (routing_plan_id, order_id, line_id,"
    "       tenant_article_id, quantity, waiting)"
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::bool[])",
    6};

spi::Statement update_plan_lines_sql{
    "UPDATE waitroom.routing_plan_line l SET quantity = x.quantity, waiting = x.waiting"
    "  FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bool[])"
    "       AS x(id, line_id, quantity, waiting)"
    " WHERE l.routing_plan_id = x.id AND l.line_id = x.line_id",
    4};

spi::Statement insert_pick_jobs_sql{
    "INSERT INTO waitroom.pick_job (pick_job_id, routing_plan_id, order_id, facility_ref,"
    "       sub_status)"
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])",
    5};

spi::Statement insert_pick_lines_sql{
    "INSERT INTO waitroom.pick_line (pick_job_id, line_id, facility_ref, tenant_article_id,"
    "       quantity, short_quantity)"
    "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])",
    6};

// Rows were locked (or created) before: this only adds to `reserved`, one row once.
spi::Statement reserve_stock_sql{
    "INSERT INTO waitroom.stock AS s (facility_ref, tenant_article_id, on_hand, reserved)"
    "SELECT x.f, x.a, 0, x.q FROM unnest($1::text[], $2::text[], $3::int[]) AS x(f, a, q)"
    " ORDER BY x.f COLLATE \"C\", x.a COLLATE \"C\""
    "    ON CONFLICT (facility_ref, tenant_article_id) DO UPDATE"
    "   SET reserved = s.reserved + excluded.reserved",
    3};

spi::Statement defer_articles_sql{
    "WITH queued AS (INSERT INTO waitroom.reroute_queue (tenant_article_id)"
    "  SELECT DISTINCT a FROM unnest($1::text[]) AS a RETURNING 1)"
    "SELECT pg_notify('waitroom_reroute', '') WHERE EXISTS (SELECT 1 FROM queued)",
    1};

}  // namespace

void defer_articles(const std::vector<std::string>& articles) {
    if (!articles.empty()) spi::run(defer_articles_sql, {spi::array_literal(articles)});
}

const char* status_name(core::PlanStatus s) {
    switch (s) {
        case core::PlanStatus::Waiting:
            return "WAITING";
        case core::PlanStatus::Routed:
            return "ROUTED";
        case core::PlanStatus::NotRoutable:
            return "NOT_ROUTABLE";
        case core::PlanStatus::Cancelled:
            return "CANCELLED";
    }
    return "WAITING";
}

namespace {

const char* event_of(core::PlanStatus s) {
    switch (s) {
        case core::PlanStatus::Routed:
            return "ROUTING_PLAN_ROUTED";
        case core::PlanStatus::NotRoutable:
            return "ROUTING_PLAN_NOT_ROUTABLE";
        case core::PlanStatus::Cancelled:
            return "ROUTING_PLAN_CANCELLED";
        case core::PlanStatus::Waiting:
            break;
    }
    return "ROUTING_PLAN_WAITING";
}

bool lock_all_candidates_first() {
    const char* value = nullptr;
    pg_call([&] { value = GetConfigOption("waitroom.lock_strategy", true, false); });
    return value != nullptr && std::string(value) == "all_candidates";
}

// The part that keeps the plan's id: the waiting part, else the not-routable one, else the first.
std::size_t keeper_of(const core::RoutingDecision& d) {
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        if (d.parts[i].status == core::PlanStatus::Waiting) return i;
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        if (d.parts[i].status == core::PlanStatus::NotRoutable) return i;
    return 0;
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

// A plan's lines in its event: quantity is what it holds (picked + short).
void lines_json(JsonText& out, const core::PlannedPart& part) {
    out.begin_array();
    for (const auto& l : part.lines)
        out.begin_object()
            .key("lineId")
            .value(l.line_id)
            .key("tenantArticleId")
            .value(l.article)
            .key("quantity")
            .value(l.quantity + l.short_quantity)
            .key("shortQuantity")
            .value(l.short_quantity)
            .end_object();
    out.end_array();
}

std::vector<std::string> waiting_articles(const core::RoutingDecision& d) {
    std::set<std::string> unique;
    for (const auto& part : d.parts)
        if (part.status == core::PlanStatus::Waiting)
            for (const auto& l : part.lines) unique.insert(l.article);
    return {unique.begin(), unique.end()};
}

}  // namespace

// Half of deadlock_timeout: a waiting-room pass gives up before the deadlock detector would
// pick a victim, and defers its plans to the retry queue instead.
// (DeadlockTimeout is read directly: the pg_settings view builds every setting, 0.6 ms a plan.)
spi::Statement bound_lock_wait_sql{
    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', $1, true)", 1};
spi::Statement restore_lock_wait_sql{"SELECT set_config('lock_timeout', $1, true)", 1};

bool in_lock_attempt(bool bounded, const std::function<bool()>& fn) {
    spi::begin_subtransaction();
    bool keep = false;
    try {
        spi::Value previous;
        if (bounded) {
            const std::string half = std::to_string(std::max(1, DeadlockTimeout / 2)) + "ms";
            previous = spi::run(bound_lock_wait_sql, {half}).at(0).at(0);
        }
        keep = fn();
        if (bounded) spi::run(restore_lock_wait_sql, {previous});
    } catch (const PgError& e) {
        spi::rollback_subtransaction();  // undoes fn's work and the lock_timeout change
        if (e.edata()->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE) return false;
        throw;
    } catch (...) {
        spi::rollback_subtransaction();
        throw;
    }
    if (!keep) {
        spi::rollback_subtransaction();
        return false;
    }
    spi::release_subtransaction();
    return true;
}

void DecisionWriter::add(const PlanToRoute& plan, const core::RoutingDecision& d,
                         const RouteOptions& options, EventLog& events) {
    const std::size_t keeper = keeper_of(d);
    std::vector<std::string> ids(d.parts.size());
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        ids[i] = i == keeper ? plan.routing_plan_id : new_uuid();

    // What the keeper part holds of each line (a manual partial assignment can leave part
    // of a line behind).
    std::map<std::string, std::int64_t> kept;
    for (const auto& l : d.parts[keeper].lines) kept[l.line_id] += l.quantity + l.short_quantity;

    if (d.parts.size() > 1) {
        JsonText split;
        split.begin_object()
            .key("orderId")
            .value(plan.order_id)
            .key("tenantOrderId")
            .value(plan.tenant_order_id)
            .key("routingPlanId")
            .value(plan.routing_plan_id)
            .key("childRoutingPlanIds")
            .begin_array();
        for (std::size_t i = 0; i < d.parts.size(); ++i)
            if (i != keeper) split.value(ids[i]);
        split.end_array().key("decidedBy").value(d.rule).end_object();
        events.add("ROUTING_PLAN_SPLITTED", plan.order_id, split.text());
    }

    for (std::size_t i = 0; i < d.parts.size(); ++i) {
        const auto& part = d.parts[i];
        const bool routed = part.status == core::PlanStatus::Routed;
        const std::optional<std::string> parent =
            i == keeper ? plan.parent_routing_plan_id : plan.routing_plan_id;
        const spi::Value facility = routed ? spi::Value(*part.facility_ref) : std::nullopt;
        const bool updated = i == keeper && !plan.is_new;
        if (updated)
            updated_plans_.add(
                {ids[i], status_name(part.status), facility, options.run_type, d.rule});
        else
            new_plans_.add({ids[i], plan.order_id, parent, status_name(part.status), facility,
                            options.run_type, d.rule});
        const bool waiting = part.status == core::PlanStatus::Waiting;
        const auto flag = [](bool b) { return std::string(b ? "t" : "f"); };
        WrittenPlan& written = written_.emplace_back();
        written.routing_plan_id = ids[i];
        written.parent_routing_plan_id = parent;
        written.status = part.status;
        written.facility_ref = part.facility_ref;
        for (const auto& l : part.lines) {
            if (l.quantity + l.short_quantity <= 0) continue;
            written.lines.push_back(l);
            written.lines.back().quantity = l.quantity + l.short_quantity;
        }
        if (i == keeper) {
            // The keeper keeps a row for every line it held: 0 where the line moved away.
            for (const auto& line : plan.lines) {
                const std::int64_t qty = kept[line.line_id];
                if (updated)
                    updated_lines_.add(
                        {ids[i], line.line_id, std::to_string(qty), flag(waiting && qty > 0)});
                else
                    new_lines_.add({ids[i], plan.order_id, line.line_id, line.article,
                                    std::to_string(qty), flag(waiting && qty > 0)});
            }
        } else {
            for (const auto& l : part.lines)
                new_lines_.add({ids[i], plan.order_id, l.line_id, l.article,
                                std::to_string(l.quantity + l.short_quantity), flag(waiting)});
        }
        JsonText payload;
        payload.begin_object()
            .key("orderId")
            .value(plan.order_id)
            .key("tenantOrderId")
            .value(plan.tenant_order_id)
            .key("routingPlanId")
            .value(ids[i])
            .key("parentRoutingPlanId")
            .value(parent)
            .key("status")
            .value(status_name(part.status))
            .key("runType")
            .value(options.run_type)
            .key("decidedBy")
            .value(d.rule)
            .key("lines");
        lines_json(payload, part);
        if (routed) payload.key("facilityRef").value(*part.facility_ref);
        payload.end_object();
        events.add(event_of(part.status), plan.order_id, payload.text());
        if (!routed) continue;

        std::string pick_job_id = new_uuid();
        bool short_picked = false;
        JsonText pick;
        pick.begin_object()
            .key("orderId")
            .value(plan.order_id)
            .key("tenantOrderId")
            .value(plan.tenant_order_id)
            .key("pickJobId")
            .value(pick_job_id)
            .key("routingPlanId")
            .value(ids[i])
            .key("facilityRef")
            .value(*part.facility_ref)
            .key("pickLines")
            .begin_array();
        for (const auto& l : part.lines) {
            short_picked = short_picked || l.short_quantity > 0;
            pick_lines_.add({pick_job_id, l.line_id, *part.facility_ref, l.article,
                             std::to_string(l.quantity), std::to_string(l.short_quantity)});
            pick.begin_object()
                .key("lineId")
                .value(l.line_id)
                .key("tenantArticleId")
                .value(l.article)
                .key("quantity")
                .value(l.quantity)
                .key("shortQuantity")
                .value(l.short_quantity)
                .end_object();
        }
        const std::optional<std::string> sub_status =
            short_picked ? std::optional<std::string>("SHORT_PICKED") : std::nullopt;
        pick.end_array().key("subStatus").value(sub_status).end_object();
        written_.back().pick_job_id = pick_job_id;
        written_.back().short_picked = short_picked;
        pick_jobs_.add({pick_job_id, ids[i], plan.order_id, *part.facility_ref, sub_status});
        events.add("PICK_JOB_CREATED", plan.order_id, pick.text());
    }

    for (const auto& [key, quantity] : reservations_of(d)) reservations_[key] += quantity;
}

void DecisionWriter::flush() {
    if (!new_plans_.empty()) spi::run(insert_plans_sql, new_plans_.take());
    if (!updated_plans_.empty()) spi::run(update_plans_sql, updated_plans_.take());
    if (!new_lines_.empty()) spi::run(insert_plan_lines_sql, new_lines_.take());
    if (!updated_lines_.empty()) spi::run(update_plan_lines_sql, updated_lines_.take());
    if (!pick_jobs_.empty()) {
        spi::run(insert_pick_jobs_sql, pick_jobs_.take());
        spi::run(insert_pick_lines_sql, pick_lines_.take());
    }
    // One row per stock row: lines and plans of one article add up (ON CONFLICT may touch a
    // row once).
    if (!reservations_.empty()) {
        spi::Columns reservations(3);
        for (const auto& [key, quantity] : reservations_)
            reservations.add({key.first, key.second, std::to_string(quantity)});
        spi::run(reserve_stock_sql, reservations.take());
        reservations_.clear();
    }
}

std::vector<WrittenPlan> write_decision(const PlanToRoute& plan, const core::RoutingDecision& d,
                                        const RouteOptions& options, EventLog& events) {
    DecisionWriter writer;
    writer.add(plan, d, options, events);
    writer.flush();
    return writer.written();
}

bool debug_fault_is(const char* name) {
    const char* value = nullptr;
    pg_call([&] { value = GetConfigOption("waitroom.debug_fault", true, false); });
    return value != nullptr && std::string(value) == name;
}

// A version 4 UUID (RFC 4122) made as gen_random_uuid() makes it: pg_strong_random (an error,
// never a weaker fallback), printed by uuid_out. Order, plan and pick job ids must not repeat
// across backends (a per-backend seeded PRNG has too few streams) nor be predictable.
std::string new_uuid() {
    char* text = nullptr;  // palloc'd, freed with the memory context
    pg_call([&] {
        pg_uuid_t uuid;
        if (!pg_strong_random(uuid.data, UUID_LEN))
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("waitroom: could not generate random values")));
        uuid.data[6] = (uuid.data[6] & 0x0f) | 0x40;  // version 4
        uuid.data[8] = (uuid.data[8] & 0x3f) | 0x80;  // RFC 4122 variant
        text = DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(&uuid)));
    });
    return text;
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
        result.decision = core::route(loaded.request);
        if (pass) keep_unserved_waiting(plan, result.decision);
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
        bool current = false;
        spi::begin_subtransaction();
        try {
            current = lock_and_recheck(reservations, loaded.request.offers,
                                       loaded.missing_stock_rows, /*nowait=*/true);
        } catch (const PgError& e) {
            // Never let an error leave the internal subtransaction open.
            spi::rollback_subtransaction();
            if (e.edata()->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE) throw;
            result.outcome = RouteOutcome::Deferred;
            return result;
        } catch (...) {
            spi::rollback_subtransaction();
            throw;
        }
        if (current) {
            spi::release_subtransaction();
            break;
        }
        spi::rollback_subtransaction();  // releases the row locks: no lock held while we retry
        if (attempt >= kOptimisticAttempts) {
            result.outcome = RouteOutcome::Deferred;
            return result;
        }
    }
    result.written = write_decision(plan, result.decision, options, events);
    result.outcome = RouteOutcome::Changed;
    defer_waiting_of_old_snapshot(pass, result.decision);
    return result;
}

}  // namespace waitroom::pg
