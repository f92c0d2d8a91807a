// waitroom.place_order(order jsonb): validate, store, route, return the order (SPEC §2).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/order_input.hpp"
#include "pg/ids.hpp"
#include "pg/plan_routing.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

namespace waitroom::pg {
namespace {

using nlohmann::json;

// A second call with the same tenantOrderId waits here for the first one's commit
// (speculative insertion), so two identical retries cannot both create the order.
// The JSON texts outside RETURNING: Citus refuses non-immutable functions there.
spi::Statement insert_order_sql{
    "WITH ins AS (INSERT INTO waitroom.orders (order_id, tenant_order_id, order_date, priority,"
    "       consumer_lat, consumer_lon, request, tenant_id)"
    "VALUES ($1::uuid, $2, coalesce(waitroom._input_timestamp($3, 'orderDate'), now()),"
    "        $4::int, $5::float8, $6::float8, $7::jsonb, $8)"
    "    ON CONFLICT (tenant_id, tenant_order_id) WHERE status = 'OPEN' DO NOTHING"
    " RETURNING order_date)"
    "SELECT order_date, to_jsonb(order_date)::text, to_jsonb(now())::text FROM ins",
    8};

spi::Statement existing_order_sql{
    "SELECT order_id, request = $2::jsonb FROM waitroom.orders"
    " WHERE tenant_id = $3 AND tenant_order_id = $1 AND status = 'OPEN'",
    3};

spi::Statement insert_lines_sql{
    "INSERT INTO waitroom.order_line (order_id, line_id, position, tenant_article_id, quantity,"
    "       bundle_ref, tenant_id)"
    "SELECT $1::uuid, x.line_id, x.position, x.article, x.quantity, x.bundle_ref, $3"
    "  FROM jsonb_to_recordset($2::jsonb) AS x(line_id text, position int, article text,"
    "       quantity int, bundle_ref text)",
    3};

// The new order as waitroom.order_json() shows it (SPEC §2, with the README's extra keys),
// built from what place() just wrote instead of read back: a query less per order. Times
// come from Postgres as JSON, so they are formatted exactly as order_json formats them.
// test/pgtap/17_place_order_json.sql holds the two equal.
std::string new_order_json(const core::OrderInput& input, const std::string& order_id,
                           const spi::Row& inserted, const std::vector<WrittenPlan>& plans) {
    std::map<std::string, std::size_t> position;
    json order_lines = json::array();
    for (const auto& l : input.lines) {
        position.emplace(l.line_id, position.size());
        order_lines.push_back({{"lineId", l.line_id},
                               {"tenantArticleId", l.article},
                               {"quantity", l.quantity},
                               {"cancelledQuantity", 0},
                               {"bundleRef", l.bundle_ref ? json(*l.bundle_ref) : json(nullptr)}});
    }
    const json waiting_since = json::parse(spi::text(inserted, 2));
    json routing_plans = json::array();
    for (const WrittenPlan& plan : plans) {
        std::vector<const core::PlannedLine*> lines;
        for (const auto& l : plan.lines) lines.push_back(&l);
        std::sort(lines.begin(), lines.end(), [&](const auto* a, const auto* b) {
            return position.at(a->line_id) < position.at(b->line_id);
        });
        json lines_json = json::array();
        for (const auto* l : lines)
            lines_json.push_back({{"lineId", l->line_id},
                                  {"tenantArticleId", l->article},
                                  {"quantity", l->quantity},
                                  {"shortQuantity", l->short_quantity}});
        const auto optional = [](const std::optional<std::string>& v) {
            return v ? json(*v) : json(nullptr);
        };
        const bool routed = plan.pick_job_id.has_value();
        routing_plans.push_back(
            {{"routingPlanId", plan.routing_plan_id},
             {"parentRoutingPlanId", optional(plan.parent_routing_plan_id)},
             {"status", status_name(plan.status)},
             {"facilityRef", optional(plan.facility_ref)},
             {"runType", "DEFAULT"},
             {"waitingSince",
              plan.status == core::PlanStatus::Waiting ? waiting_since : json(nullptr)},
             {"pickJobId", optional(plan.pick_job_id)},
             {"pickJobStatus", routed ? json("OPEN") : json(nullptr)},
             {"subStatus", plan.short_picked ? json("SHORT_PICKED") : json(nullptr)},
             {"lines", lines_json}});
    }
    return json{{"orderId", order_id},
                {"tenantOrderId", input.tenant_order_id},
                {"tenantId", tenant()},
                {"status", "OPEN"},
                {"orderDate", json::parse(spi::text(inserted, 1))},
                {"priority", input.priority},
                {"orderLines", order_lines},
                {"routingPlans", routing_plans}}
        .dump();
}

// The order's tenant (SPEC §7): the tenant_id argument, else the body's "tenantId", else
// 'default'; both given and different is an error.
std::string order_tenant(const core::OrderInput& input, const std::optional<std::string>& arg) {
    if (arg && input.tenant_id && *arg != *input.tenant_id)
        throw core::UserError(core::sqlstate::kInvalidParameter,
                              "tenantId \"" + *input.tenant_id +
                                  "\" differs from the tenant_id argument \"" + *arg + "\"");
    if (checked_tenant(arg)) return *arg;
    if (input.tenant_id) return *input.tenant_id;
    return kDefaultTenant;
}

struct Placed {
    std::string order_id;
    std::optional<std::string> json;  // unset for a retry: the order as stored
};

Placed place(const core::OrderInput& input, const std::string& body) {
    std::string order_id = new_uuid();
    auto opt_number = [](const std::optional<core::Location>& c, bool lat) -> spi::Value {
        if (!c) return std::nullopt;
        return std::to_string(lat ? c->lat : c->lon);
    };
    spi::Rows inserted = spi::run(
        insert_order_sql,
        {order_id, input.tenant_order_id, input.order_date, std::to_string(input.priority),
         opt_number(input.consumer, true), opt_number(input.consumer, false), body, tenant()});
    if (inserted.empty()) {
        spi::Rows existing = spi::run(existing_order_sql, {input.tenant_order_id, body, tenant()});
        if (existing.empty())  // the other order was cancelled meanwhile: a rare race
            throw core::UserError(core::sqlstate::kObjectNotInState,
                                  "tenantOrderId changed state concurrently; retry");
        if (!spi::boolean(existing[0], 1))
            throw core::UserError(core::sqlstate::kUniqueViolation,
                                  "tenantOrderId \"" + input.tenant_order_id +
                                      "\" is already used by open order " +
                                      spi::text(existing[0], 0) + " with a different body");
        return {spi::text(existing[0], 0), std::nullopt};  // a safe retry: the order as it is
    }

    json lines = json::array();
    for (std::size_t i = 0; i < input.lines.size(); ++i) {
        const auto& l = input.lines[i];
        json bundle = l.bundle_ref ? json(*l.bundle_ref) : json(nullptr);
        lines.push_back({{"line_id", l.line_id},
                         {"position", i + 1},
                         {"article", l.article},
                         {"quantity", l.quantity},
                         {"bundle_ref", bundle}});
    }
    spi::run(insert_lines_sql, {order_id, lines.dump(), tenant()});

    EventLog events;
    events.order_created(order_id, input.tenant_order_id, spi::text(inserted[0], 0), input.priority,
                         input.lines);
    PlanToRoute plan;
    plan.routing_plan_id = new_uuid();
    plan.is_new = true;
    plan.order_id = order_id;
    plan.tenant_order_id = input.tenant_order_id;
    plan.lines = input.lines;
    plan.consumer = input.consumer;
    const RouteResult routed = route_plan(plan, RouteOptions{}, events);
    events.flush();
    return {order_id, new_order_json(input, order_id, inserted[0], routed.written)};
}

}  // namespace
}  // namespace waitroom::pg

extern "C" {
PG_FUNCTION_INFO_V1(waitroom_place_order);
Datum waitroom_place_order(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo, [](FunctionCallInfo fc) {
        const std::string body = waitroom::pg::jsonb_arg_text(fc, 0);
        const waitroom::core::OrderInput input = waitroom::core::parse_order_input(body);
        const std::string tenant_id =
            waitroom::pg::order_tenant(input, waitroom::pg::optional_text_arg(fc, 1));
        const waitroom::pg::TenantScope scope(tenant_id);
        waitroom::pg::spi::connect();
        const waitroom::pg::Placed placed = waitroom::pg::place(input, body);
        if (placed.json) return waitroom::pg::finish_with_json(*placed.json);
        return waitroom::pg::finish_with_order_json(placed.order_id, tenant_id);
    });
}
}
