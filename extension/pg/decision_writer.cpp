// Writing a routing decision: plans, their lines, pick jobs, stock reservations and the
// plan events (event_log.cpp builds them), each table with one statement however many decisions a
// pass collects.
#include "pg/decision_writer.hpp"

#include <map>
#include <string>

#include "pg/explain_log.hpp"
#include "pg/ids.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {
namespace {

// The writes of decisions take one text[] literal per column (`unnest($1::uuid[], ...)`):
// Postgres reads them far faster than JSON records, and the unnest-sized estimates keep every
// UPDATE a primary-key probe. New plans and their lines are inserted; a re-routed plan (the
// part that keeps its id) and its lines are updated.
spi::Statement insert_plans_sql{
    "INSERT INTO waitroom.routing_plan (routing_plan_id, order_id, parent_routing_plan_id,"
    "       status, facility_ref, run_type, waiting_since, decided_by, tenant_id)"
    "SELECT x.id, x.order_id, x.parent, x.status, x.facility, x.run_type,"
    "       CASE WHEN x.status = 'WAITING' THEN now() END, x.rule, $8"
    "  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],"
    "              $7::text[]) AS x(id, order_id, parent, status, facility, run_type, rule)",
    8};

spi::Statement update_plans_sql{
    "UPDATE waitroom.routing_plan p"
    "   SET status = x.status, facility_ref = x.facility, run_type = x.run_type,"
    "       decided_by = x.rule, updated_at = now(),"
    "       waiting_since = coalesce(p.waiting_since, x.since)"
    // now() in a CASE in SET is refused by Citus ("non-IMMUTABLE functions are not allowed
    // in CASE or COALESCE statements"): the CASE is computed in the FROM list.
    "  FROM (SELECT u.*, CASE WHEN u.status = 'WAITING' THEN now() END AS since"
    "          FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])"
    "               AS u(id, status, facility, run_type, rule)) x"
    " WHERE p.tenant_id = $6 AND p.routing_plan_id = x.id",
    6};

spi::Statement insert_plan_lines_sql{
    "INSERT INTO waitroom.routing_plan_line (routing_plan_id, order_id, line_id,"
    "       tenant_article_id, quantity, waiting, tenant_id)"
    "SELECT x.*, $7 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[],"
    "                           $6::bool[]) AS x",
    7};

spi::Statement update_plan_lines_sql{
    "UPDATE waitroom.routing_plan_line l SET quantity = x.quantity, waiting = x.waiting"
    "  FROM unnest($1::uuid[], $2::text[], $3::int[], $4::bool[])"
    "       AS x(id, line_id, quantity, waiting)"
    " WHERE l.tenant_id = $5 AND l.routing_plan_id = x.id AND l.line_id = x.line_id",
    5};

spi::Statement insert_pick_jobs_sql{
    "INSERT INTO waitroom.pick_job (pick_job_id, routing_plan_id, order_id, facility_ref,"
    "       sub_status, tenant_id)"
    "SELECT x.*, $6 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS x",
    6};

spi::Statement insert_pick_lines_sql{
    "INSERT INTO waitroom.pick_line (pick_job_id, line_id, facility_ref, tenant_article_id,"
    "       quantity, short_quantity, tenant_id)"
    "SELECT x.*, $7"
    "  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) AS x",
    7};

// Rows were locked (or created) before: this only adds to `reserved`, one row once.
spi::Statement reserve_stock_sql{
    "INSERT INTO waitroom.stock AS s (facility_ref, tenant_article_id, on_hand, reserved,"
    "       tenant_id)"
    "SELECT x.f, x.a, 0, x.q, $4 FROM unnest($1::text[], $2::text[], $3::int[]) AS x(f, a, q)"
    " ORDER BY x.f COLLATE \"C\", x.a COLLATE \"C\""
    "    ON CONFLICT (tenant_id, facility_ref, tenant_article_id) DO UPDATE"
    "   SET reserved = s.reserved + excluded.reserved",
    4};

// explain's log (36_explain.sql): one row per plan the decision wrote, the latest decision.
spi::Statement upsert_decision_logs_sql{
    "INSERT INTO waitroom.routing_decision AS d (routing_plan_id, decided_at, log, tenant_id)"
    "SELECT x.id, now(), x.log::json, $3 FROM unnest($1::uuid[], $2::text[]) AS x(id, log)"
    "    ON CONFLICT (tenant_id, routing_plan_id) DO UPDATE"
    "   SET decided_at = excluded.decided_at, log = excluded.log",
    3};

}  // namespace

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

// The part that keeps the plan's id: the waiting part, else the not-routable one, else the first.
std::size_t keeper_of(const core::RoutingDecision& d) {
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        if (d.parts[i].status == core::PlanStatus::Waiting) return i;
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        if (d.parts[i].status == core::PlanStatus::NotRoutable) return i;
    return 0;
}

}  // namespace

void DecisionWriter::add(const PlanToRoute& plan, const core::RoutingDecision& d,
                         const RouteOptions& options, EventLog& events,
                         const core::DecisionTrace* trace) {
    const std::size_t keeper = keeper_of(d);
    std::vector<std::string> ids(d.parts.size());
    for (std::size_t i = 0; i < d.parts.size(); ++i)
        ids[i] = i == keeper ? plan.routing_plan_id : new_uuid();

    // What the keeper part holds of each line (a manual partial assignment can leave part
    // of a line behind).
    std::map<std::string, std::int64_t> kept;
    for (const auto& l : d.parts[keeper].lines) kept[l.line_id] += l.quantity + l.short_quantity;

    if (d.parts.size() > 1) {
        std::vector<std::string> children;
        for (std::size_t i = 0; i < d.parts.size(); ++i)
            if (i != keeper) children.push_back(ids[i]);
        events.plan_split(plan.order_id, plan.tenant_order_id, plan.routing_plan_id, children,
                          d.rule);
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
        events.plan(
            plan.order_id, plan.tenant_order_id,
            {ids[i], parent, part.status, part.facility_ref, options.run_type, d.rule, part.lines});
        if (!routed) continue;

        std::string pick_job_id = new_uuid();
        bool short_picked = false;
        for (const auto& l : part.lines) {
            short_picked = short_picked || l.short_quantity > 0;
            pick_lines_.add({pick_job_id, l.line_id, *part.facility_ref, l.article,
                             std::to_string(l.quantity), std::to_string(l.short_quantity)});
        }
        const std::optional<std::string> sub_status =
            short_picked ? std::optional<std::string>("SHORT_PICKED") : std::nullopt;
        written_.back().pick_job_id = pick_job_id;
        written_.back().short_picked = short_picked;
        pick_jobs_.add({pick_job_id, ids[i], plan.order_id, *part.facility_ref, sub_status});
        events.pick_job(plan.order_id, plan.tenant_order_id, /*cancelled=*/false,
                        {pick_job_id, ids[i], *part.facility_ref, part.lines});
    }

    const std::string log = decision_log(d, ids, options, trace);
    for (const std::string& id : ids) decision_logs_.add({id, log});
    for (const auto& [key, quantity] : reservations_of(d)) reservations_[key] += quantity;
}

namespace {

// Each statement's columns, then the tenant: the last parameter of every write.
spi::Rows run_for_tenant(spi::Statement& statement, std::vector<spi::Value> params) {
    params.emplace_back(tenant());
    return spi::run(statement, params);
}

}  // namespace

void DecisionWriter::flush() {
    if (!new_plans_.empty()) run_for_tenant(insert_plans_sql, new_plans_.take());
    if (!updated_plans_.empty()) run_for_tenant(update_plans_sql, updated_plans_.take());
    if (!new_lines_.empty()) run_for_tenant(insert_plan_lines_sql, new_lines_.take());
    if (!updated_lines_.empty()) run_for_tenant(update_plan_lines_sql, updated_lines_.take());
    if (!decision_logs_.empty()) {
        std::vector<spi::Value> logs = decision_logs_.take();
        if (decision_log_table_exists()) run_for_tenant(upsert_decision_logs_sql, logs);
    }
    if (!pick_jobs_.empty()) {
        run_for_tenant(insert_pick_jobs_sql, pick_jobs_.take());
        run_for_tenant(insert_pick_lines_sql, pick_lines_.take());
    }
    // One row per stock row: lines and plans of one article add up (ON CONFLICT may touch a
    // row once).
    if (!reservations_.empty()) {
        spi::Columns reservations(3);
        for (const auto& [key, quantity] : reservations_)
            reservations.add({key.first, key.second, std::to_string(quantity)});
        run_for_tenant(reserve_stock_sql, reservations.take());
        reservations_.clear();
    }
}

std::vector<WrittenPlan> write_decision(const PlanToRoute& plan, const core::RoutingDecision& d,
                                        const RouteOptions& options, EventLog& events,
                                        const core::DecisionTrace* trace) {
    DecisionWriter writer;
    writer.add(plan, d, options, events, trace);
    writer.flush();
    return writer.written();
}

}  // namespace waitroom::pg
