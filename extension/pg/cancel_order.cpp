// Manual action (SPEC §4): cancel_order(order_id, lines). The whole order, or the given
// quantities of some lines; a partial cancel takes from the waiting part first, then not
// routable, then short, then picked. Emptied plans and their pick jobs are cancelled; released
// reservations go back to stock in the fixed row order, and the stock trigger serves waiting
// plans with them in this same transaction.
// Locks: the order row, its plans, then the stock rows it releases (lock_protocol.cpp).
#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/line_selection.hpp"
#include "pg/event_log.hpp"
#include "pg/lock_protocol.hpp"
#include "pg/manual_actions.hpp"
#include "pg/routing_plan.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "utils/fmgrprotos.h"
}

namespace waitroom::pg {
namespace {

spi::Statement order_lines_sql{
    "SELECT o.tenant_order_id, l.line_id, l.tenant_article_id,"
    "       l.quantity - l.cancelled_quantity"
    "  FROM waitroom.orders o"
    "  JOIN waitroom.order_line l ON l.tenant_id = $2 AND l.order_id = o.order_id"
    " WHERE o.tenant_id = $2 AND o.order_id = $1::uuid ORDER BY l.position",
    2};

spi::Statement plans_sql{
    "SELECT routing_plan_id, parent_routing_plan_id, status, facility_ref, run_type, decided_by"
    "  FROM waitroom.routing_plan WHERE tenant_id = $2 AND order_id = $1::uuid ORDER BY plan_no",
    2};

// From the order's plans: routing_plan_line has no index by order. Each plan's lines by its
// key (a plain join let the generic plan hash-join a scan of every plan line).
spi::Statement plan_lines_sql{
    "SELECT p.routing_plan_id, l.line_id, l.quantity"
    "  FROM waitroom.routing_plan p"
    " CROSS JOIN LATERAL (SELECT l.line_id, l.quantity FROM waitroom.routing_plan_line l"
    "                      WHERE l.tenant_id = $2 AND l.routing_plan_id = p.routing_plan_id"
    "                        AND l.quantity > 0 OFFSET 0) l"
    " WHERE p.tenant_id = $2 AND p.order_id = $1::uuid AND p.status <> 'CANCELLED'",
    2};

spi::Statement pick_lines_sql{
    "SELECT k.pick_job_id, k.routing_plan_id, k.facility_ref, pk.line_id, pk.quantity,"
    "       pk.short_quantity"
    "  FROM waitroom.pick_job k"
    "  JOIN waitroom.pick_line pk ON pk.tenant_id = $2 AND pk.pick_job_id = k.pick_job_id"
    " WHERE k.tenant_id = $2 AND k.order_id = $1::uuid AND k.status = 'OPEN'"
    " ORDER BY k.created_at, k.pick_job_id",
    2};

// The writes take one array per column; unnest() is estimated by its length, so each row is
// a primary-key probe.
spi::Statement shrink_plan_lines_sql{
    "UPDATE waitroom.routing_plan_line l"
    "   SET quantity = x.quantity, waiting = l.waiting AND x.quantity > 0"
    "  FROM unnest($1::uuid[], $2::text[], $3::int[]) AS x(id, line_id, quantity)"
    " WHERE l.tenant_id = $4 AND l.routing_plan_id = x.id AND l.line_id = x.line_id",
    4};

spi::Statement shrink_pick_lines_sql{
    "UPDATE waitroom.pick_line pk SET quantity = x.quantity, short_quantity = x.short"
    "  FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[]) AS x(id, line_id, quantity, short)"
    " WHERE pk.tenant_id = $5 AND pk.pick_job_id = x.id AND pk.line_id = x.line_id",
    5};

spi::Statement cancel_line_quantities_sql{
    "UPDATE waitroom.order_line l SET cancelled_quantity = l.cancelled_quantity + x.quantity"
    "  FROM unnest($2::text[], $3::int[]) AS x(line_id, quantity)"
    " WHERE l.tenant_id = $4 AND l.order_id = $1::uuid AND l.line_id = x.line_id",
    4};

spi::Statement cancel_plans_sql{
    "UPDATE waitroom.routing_plan SET status = 'CANCELLED', decided_by = 'cancel_order',"
    "       updated_at = now()"
    " WHERE tenant_id = $2 AND routing_plan_id = ANY ($1::uuid[])",
    2};

spi::Statement cancel_pick_jobs_sql{
    "UPDATE waitroom.pick_job SET status = 'CANCELLED'"
    " WHERE tenant_id = $2 AND pick_job_id = ANY ($1::uuid[])",
    2};

// A shrunk pick job is short only while a line is still short.
spi::Statement set_sub_status_sql{
    "UPDATE waitroom.pick_job k SET sub_status = x.sub_status"
    "  FROM unnest($1::uuid[], $2::text[]) AS x(id, sub_status)"
    " WHERE k.tenant_id = $3 AND k.pick_job_id = x.id",
    3};

spi::Statement cancel_order_row_sql{
    "UPDATE waitroom.orders SET status = 'CANCELLED' WHERE tenant_id = $2 AND order_id = $1::uuid",
    2};

spi::Statement release_stock_sql{
    "UPDATE waitroom.stock s SET reserved = s.reserved - x.quantity"
    "  FROM unnest($1::text[], $2::text[], $3::int[]) AS x(f, a, quantity)"
    " WHERE s.tenant_id = $4 AND s.facility_ref = x.f AND s.tenant_article_id = x.a",
    4};

// Each statement's columns, then the tenant.
spi::Rows run_for_tenant(spi::Statement& statement, std::vector<spi::Value> params) {
    params.emplace_back(tenant());
    return spi::run(statement, params);
}

struct OrderLine {
    std::string line_id;
    std::string article;
    std::int64_t left = 0;  // not cancelled yet
};

struct Plan {
    std::string id;
    std::optional<std::string> parent;
    std::string status;
    std::optional<std::string> facility_ref;
    std::string run_type;
    std::string decided_by;
    std::map<std::string, std::int64_t> lines;  // line id -> held (picked + short), > 0
    std::map<std::string, std::int64_t> held;   // as before this cancel
    bool changed = false;
};

struct PickLine {
    std::int64_t quantity = 0;
    std::int64_t short_quantity = 0;
};

struct PickJob {
    std::string id;
    std::string plan_id;
    std::string facility_ref;
    std::map<std::string, PickLine> lines;  // line id ->
    std::map<std::string, PickLine> had;    // as before this cancel
    bool changed = false;
};

// What the order's plans and open pick jobs hold, loaded after its row and plans are locked.
struct Holdings {
    std::string tenant_order_id;
    std::vector<OrderLine> order_lines;  // in line order
    std::vector<Plan> plans;             // by plan_no
    std::vector<PickJob> jobs;           // by creation
};

Holdings lock_and_load(const std::string& order_id) {
    require_open_order(order_id);
    Holdings h;
    for (const spi::Row& r : spi::run(order_lines_sql, {order_id, tenant()})) {
        h.tenant_order_id = spi::text(r, 0);
        h.order_lines.push_back({spi::text(r, 1), spi::text(r, 2), spi::integer(r, 3)});
    }
    std::map<std::string, std::size_t> plan_at;
    std::vector<std::string> plan_ids;
    for (const spi::Row& r : spi::run(plans_sql, {order_id, tenant()})) {
        plan_at[spi::text(r, 0)] = h.plans.size();
        plan_ids.push_back(spi::text(r, 0));
        h.plans.push_back({spi::text(r, 0),
                           r[1],
                           spi::text(r, 2),
                           r[3],
                           spi::text(r, 4),
                           r[5].value_or(""),
                           {},
                           {},
                           false});
    }
    // The order row is locked: no plan of it comes or goes meanwhile.
    lock_plans_and_orders(plan_ids);
    for (const spi::Row& r : spi::run(plan_lines_sql, {order_id, tenant()}))
        h.plans.at(plan_at.at(spi::text(r, 0))).lines[spi::text(r, 1)] = spi::integer(r, 2);
    for (Plan& p : h.plans) p.held = p.lines;
    for (const spi::Row& r : spi::run(pick_lines_sql, {order_id, tenant()})) {
        if (h.jobs.empty() || h.jobs.back().id != spi::text(r, 0))
            h.jobs.push_back({spi::text(r, 0), spi::text(r, 1), spi::text(r, 2), {}, {}, false});
        h.jobs.back().lines[spi::text(r, 3)] = {spi::integer(r, 4), spi::integer(r, 5)};
    }
    for (PickJob& j : h.jobs) j.had = j.lines;
    return h;
}

using Releases = std::map<StockKey, std::int64_t>;  // byte order: the fixed row order

// Takes `quantity` of the line from the plans and pick jobs (SPEC §4's order).
void take_line(Holdings& h, const OrderLine& line, std::int64_t quantity, Releases& releases) {
    std::map<std::string, Plan*> plan_of;
    for (Plan& p : h.plans) plan_of[p.id] = &p;
    const auto take_from_plan = [&line](Plan& p, std::int64_t t) {
        p.lines[line.line_id] -= t;
        p.changed = true;
    };
    std::int64_t rest = quantity;
    // 1. waiting, 2. not routable
    for (const char* status : {"WAITING", "NOT_ROUTABLE"})
        for (Plan& p : h.plans) {
            if (rest == 0 || p.status != status) continue;
            auto it = p.lines.find(line.line_id);
            if (it == p.lines.end()) continue;
            const std::int64_t t = std::min(rest, it->second);
            take_from_plan(p, t);
            rest -= t;
        }
    // 3. short, then 4. picked, on open pick jobs
    for (const bool picked : {false, true})
        for (PickJob& j : h.jobs) {
            if (rest == 0) break;
            auto it = j.lines.find(line.line_id);
            if (it == j.lines.end()) continue;
            std::int64_t& from = picked ? it->second.quantity : it->second.short_quantity;
            const std::int64_t t = std::min(rest, from);
            if (t == 0) continue;
            from -= t;
            j.changed = true;
            take_from_plan(*plan_of.at(j.plan_id), t);
            if (picked) releases[{j.facility_ref, line.article}] += t;
            rest -= t;
        }
    // Safety net: the plans and pick jobs hold what the line has not cancelled yet.
    if (rest > 0)
        throw std::logic_error("cancel_order: " + std::to_string(rest) + " of line \"" +
                               line.line_id + "\" is in none of its plans or pick jobs");
}

std::vector<core::PlannedLine> event_lines(const Holdings& h, const Plan& plan,
                                           const PickJob* job) {
    std::vector<core::PlannedLine> out;
    for (const OrderLine& l : h.order_lines) {
        auto held = plan.held.find(l.line_id);
        if (held == plan.held.end()) continue;
        std::int64_t short_quantity = 0;
        if (job != nullptr) {
            auto had = job->had.find(l.line_id);
            if (had != job->had.end()) short_quantity = had->second.short_quantity;
        }
        out.push_back({l.line_id, l.article, held->second - short_quantity, short_quantity});
    }
    return out;
}

std::vector<core::PlannedLine> pick_event_lines(const Holdings& h, const PickJob& job) {
    std::vector<core::PlannedLine> out;
    for (const OrderLine& l : h.order_lines) {
        auto had = job.had.find(l.line_id);
        if (had != job.had.end())
            out.push_back({l.line_id, l.article, had->second.quantity, had->second.short_quantity});
    }
    return out;
}

// Returns the order's tenant.
std::string cancel(const std::string& order_id, const std::optional<std::string>& lines_json,
                   const std::optional<std::string>& given_tenant) {
    const std::optional<std::vector<core::LineQuantity>> wanted =
        core::parse_lines_argument(lines_json);
    const TenantScope scope(tenant_of_order(order_id, given_tenant));
    Holdings h = lock_and_load(order_id);
    std::vector<core::SelectableLine> left;
    for (const OrderLine& l : h.order_lines) left.push_back({l.line_id, l.left, std::nullopt});
    const std::map<std::string, std::int64_t> taken =
        core::select_lines(wanted, left, "order " + order_id);

    Releases releases;
    std::vector<core::Line> cancelled;
    spi::Columns line_quantities(2);
    bool whole = true;
    for (const OrderLine& l : h.order_lines) {
        auto it = taken.find(l.line_id);
        const std::int64_t q = it == taken.end() ? 0 : it->second;
        whole = whole && q == l.left;
        if (q == 0) continue;
        take_line(h, l, q, releases);
        cancelled.push_back({l.line_id, l.article, q, std::nullopt});
        line_quantities.add({l.line_id, std::to_string(q)});
    }

    spi::Columns plan_lines(3);
    std::vector<std::string> emptied;
    for (const Plan& p : h.plans) {
        if (!p.changed) continue;
        bool empty = true;
        for (const auto& [line_id, q] : p.lines) {
            empty = empty && q == 0;
            if (q != p.held.at(line_id)) plan_lines.add({p.id, line_id, std::to_string(q)});
        }
        if (empty && p.status != "CANCELLED") emptied.push_back(p.id);
    }
    spi::Columns pick_lines(4);
    spi::Columns sub_statuses(2);
    std::vector<const PickJob*> closed;
    for (const PickJob& j : h.jobs) {
        if (!j.changed) continue;
        bool short_picked = false;
        for (const auto& [line_id, l] : j.lines) {
            short_picked = short_picked || l.short_quantity > 0;
            const PickLine& had = j.had.at(line_id);
            if (l.quantity != had.quantity || l.short_quantity != had.short_quantity)
                pick_lines.add(
                    {j.id, line_id, std::to_string(l.quantity), std::to_string(l.short_quantity)});
        }
        if (std::find(emptied.begin(), emptied.end(), j.plan_id) != emptied.end())
            closed.push_back(&j);
        else
            sub_statuses.add({j.id, short_picked ? spi::Value("SHORT_PICKED") : std::nullopt});
    }
    std::sort(closed.begin(), closed.end(),
              [](const PickJob* a, const PickJob* b) { return a->id < b->id; });

    if (!plan_lines.empty()) run_for_tenant(shrink_plan_lines_sql, plan_lines.take());
    if (!pick_lines.empty()) run_for_tenant(shrink_pick_lines_sql, pick_lines.take());
    if (!line_quantities.empty()) {
        std::vector<spi::Value> columns = line_quantities.take();
        spi::run(cancel_line_quantities_sql, {order_id, columns[0], columns[1], tenant()});
    }
    if (!emptied.empty()) spi::run(cancel_plans_sql, {spi::array_literal(emptied), tenant()});
    if (!closed.empty()) {
        std::vector<std::string> ids;
        ids.reserve(closed.size());
        for (const PickJob* j : closed) ids.push_back(j->id);
        spi::run(cancel_pick_jobs_sql, {spi::array_literal(ids), tenant()});
    }
    if (!sub_statuses.empty()) run_for_tenant(set_sub_status_sql, sub_statuses.take());
    if (whole) spi::run(cancel_order_row_sql, {order_id, tenant()});

    EventLog events;
    for (const Plan& p : h.plans) {
        if (std::find(emptied.begin(), emptied.end(), p.id) == emptied.end()) continue;
        const PickJob* job = nullptr;
        for (const PickJob* j : closed)
            if (j->plan_id == p.id) job = j;
        events.plan(order_id, h.tenant_order_id,
                    {p.id, p.parent, core::PlanStatus::Cancelled, p.facility_ref, p.run_type,
                     "cancel_order", event_lines(h, p, job)});
    }
    for (const PickJob* j : closed)
        events.pick_job(order_id, h.tenant_order_id, /*cancelled=*/true,
                        {j->id, j->plan_id, j->facility_ref, pick_event_lines(h, *j)});
    events.order_cancelled(order_id, h.tenant_order_id, whole, cancelled);
    events.flush();

    if (releases.empty()) return tenant();
    // Only the locks in the fixed order: a release needs no re-check.
    (void)lock_and_recheck(releases, {}, {}, /*nowait=*/false);
    spi::Columns released(3);
    for (const auto& [key, quantity] : releases)
        released.add({key.first, key.second, std::to_string(quantity)});
    run_for_tenant(release_stock_sql, released.take());
    return tenant();
}

// The uuid argument as text.
std::string uuid_arg(FunctionCallInfo fcinfo, int argno) {
    char* cstr = nullptr;
    pg_call([&]() noexcept {
        cstr = DatumGetCString(DirectFunctionCall1(uuid_out, PG_GETARG_DATUM(argno)));
    });
    std::string out(cstr);
    pg_call([&]() noexcept { pfree(cstr); });
    return out;
}

}  // namespace
}  // namespace waitroom::pg

extern "C" {

PG_FUNCTION_INFO_V1(waitroom_cancel_order);
Datum waitroom_cancel_order(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (fc->args[0].isnull)
            throw waitroom::core::UserError(waitroom::core::sqlstate::kInvalidParameter,
                                            "order_id is required");
        const std::string order_id = waitroom::pg::uuid_arg(fc, 0);
        std::optional<std::string> lines;
        if (!fc->args[1].isnull) lines = waitroom::pg::jsonb_arg_text(fc, 1);
        const std::optional<std::string> given = waitroom::pg::optional_text_arg(fc, 2);
        waitroom::pg::spi::connect();
        const std::string tenant_id = waitroom::pg::cancel(order_id, lines, given);
        return waitroom::pg::finish_with_order_json(order_id, tenant_id);
    });
}
}
