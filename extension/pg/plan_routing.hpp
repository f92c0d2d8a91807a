// Routing one routing plan: decide (core), lock what the decision reserves in a fixed order
// and re-check it under the lock, then write plans, lines, pick jobs, reservations and events.
// Used for new orders and for every re-route (SPEC §3 rule 7: the part that stays WAITING or
// NOT_ROUTABLE keeps the plan's id; routed parts become its children).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "pg/article_locks.hpp"  // the article locks a pass and a decision take
#include "pg/event_log.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

struct PlanToRoute {
    std::string routing_plan_id;
    bool is_new = false;
    std::optional<std::string> parent_routing_plan_id;
    std::string current_status;  // "" when new
    std::string order_id;
    std::string tenant_order_id;
    std::vector<core::Line> lines;  // what the plan holds, quantity > 0
    std::optional<core::Location> consumer;
};

struct RouteOptions {
    const char* run_type = "DEFAULT";
    const std::string* now_override = nullptr;  // release_due(at): timestamptz text
    // Inside a waiting-room pass (stock trigger): the pass holds the article locks, and stock
    // rows are locked NOWAIT, because the app's UPDATE already holds rows of its own.
    bool waiting_room_pass = false;
};

enum class RouteOutcome {
    Unchanged,  // the plan stays as it was: nothing written
    Changed,    // decision written
    Deferred    // a stock row was locked by another transaction: left for the retry queue
};

// A plan as a decision wrote it (what the order JSON shows of it), in creation order.
struct WrittenPlan {
    std::string routing_plan_id;
    std::optional<std::string> parent_routing_plan_id;
    core::PlanStatus status = core::PlanStatus::Waiting;
    std::optional<std::string> facility_ref;
    std::optional<std::string> pick_job_id;
    bool short_picked = false;
    std::vector<core::PlannedLine> lines;  // quantity = held or picked + short; only > 0
};

struct RouteResult {
    RouteOutcome outcome = RouteOutcome::Unchanged;
    core::RoutingDecision decision;
    std::vector<WrittenPlan> written;  // when Changed
};

RouteResult route_plan(const PlanToRoute& plan, const RouteOptions& options, EventLog& events);

// The SQL name of a plan status (WAITING, ROUTED, NOT_ROUTABLE, CANCELLED).
const char* status_name(core::PlanStatus status);

// Whether a decision would leave the plan as it is (a re-route that writes nothing).
bool leaves_plan_unchanged(const PlanToRoute& plan, const core::RoutingDecision& decision);

// A waiting-room pass re-routes a WAITING plan only to serve it (SPEC §4): what the decision
// cannot serve keeps waiting, in one WAITING part, instead of turning NOT_ROUTABLE (only
// reroute / reroute_all may). Lines keep the plan's order.
void keep_unserved_waiting(const PlanToRoute& plan, core::RoutingDecision& decision);

// Collects the writes of one or many decisions (plans, lines, pick jobs, reservations; the
// events go to the EventLog), then writes them with one statement per table: a pass that
// serves 1,000 plans writes each table once, and each stock row's `reserved` once.
class DecisionWriter {
public:
    void add(const PlanToRoute& plan, const core::RoutingDecision& decision,
             const RouteOptions& options, EventLog& events);
    void flush();
    // Every plan added since the writer was made, in the order it inserts them.
    [[nodiscard]] const std::vector<WrittenPlan>& written() const { return written_; }

private:
    std::vector<WrittenPlan> written_;
    spi::Columns new_plans_{7};
    spi::Columns updated_plans_{5};
    spi::Columns new_lines_{6};
    spi::Columns updated_lines_{4};
    spi::Columns pick_jobs_{5};
    spi::Columns pick_lines_{6};
    std::map<std::pair<std::string, std::string>, std::int64_t> reservations_;
};

// Writes a decision for the plan (also used for manual assignment, which decides itself).
std::vector<WrittenPlan> write_decision(const PlanToRoute& plan,
                                        const core::RoutingDecision& decision,
                                        const RouteOptions& options, EventLog& events);

// Runs fn in a subtransaction. Keeps its work and returns true when fn returns true; undoes
// it and returns false when fn returns false or a lock was not available: fn locked NOWAIT,
// or (`bounded`) a lock wait gave up at half of deadlock_timeout, before the
// deadlock detector could pick a victim.
bool in_lock_attempt(bool bounded, const std::function<bool()>& fn);

std::string new_uuid();

// Test hook: whether GUC waitroom.debug_fault is `name` ('core': the core throws inside
// place_order; 'batch_bookkeeping': the batch pass forgets what its decisions reserved).
bool debug_fault_is(const char* name);

// Defers articles to reroute_queue: a drain (waitroomd's release_due, woken by NOTIFY
// waitroom_reroute at commit, or the next stock pass) re-routes their waiting plans afresh.
void defer_articles(const std::vector<std::string>& articles);

}  // namespace waitroom::pg
