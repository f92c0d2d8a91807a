#include "pg/event_log.hpp"

#include "pg/json_text.hpp"
#include "pg/routing_plan.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {
namespace {

// One array per column; unnest() yields the rows in array order, so event ids follow the
// order the events were added (one order's events are published in event_id order).
spi::Statement insert_events_sql{
    "INSERT INTO waitroom.event (event, order_id, payload, tenant_id)"
    "SELECT x.*, $4 FROM unnest($1::text[], $2::uuid[], $3::jsonb[]) AS x",
    4};

// Every payload starts with the order it belongs to, and its tenant (SPEC §7).
JsonText& begin_payload(JsonText& out, const std::string& order_id,
                        const std::string& tenant_order_id) {
    return out.begin_object()
        .key("orderId")
        .value(order_id)
        .key("tenantOrderId")
        .value(tenant_order_id)
        .key("tenantId")
        .value(tenant());
}

// The keys every line of a payload starts with.
JsonText& begin_line(JsonText& out, const std::string& line_id, const std::string& article,
                     std::int64_t quantity) {
    return out.begin_object()
        .key("lineId")
        .value(line_id)
        .key("tenantArticleId")
        .value(article)
        .key("quantity")
        .value(quantity);
}

// Lines with their short quantity; `with_short_in_quantity`: quantity counts the short units
// too (what a plan holds), else only what is picked (a pick line).
void planned_lines(JsonText& out, const std::vector<core::PlannedLine>& lines,
                   bool with_short_in_quantity) {
    out.begin_array();
    for (const auto& l : lines)
        begin_line(out, l.line_id, l.article,
                   with_short_in_quantity ? l.quantity + l.short_quantity : l.quantity)
            .key("shortQuantity")
            .value(l.short_quantity)
            .end_object();
    out.end_array();
}

}  // namespace

void EventLog::order_created(const std::string& order_id, const std::string& tenant_order_id,
                             const std::string& order_date, int priority,
                             const std::vector<core::Line>& lines) {
    JsonText out;
    begin_payload(out, order_id, tenant_order_id)
        .key("orderDate")
        .value(order_date)
        .key("priority")
        .value(std::int64_t{priority})
        .key("orderLineItems")
        .begin_array();
    for (const auto& l : lines)
        begin_line(out, l.line_id, l.article, l.quantity)
            .key("bundleRef")
            .value(l.bundle_ref)
            .end_object();
    out.end_array().end_object();
    add("ORDER_CREATED", order_id, out.text());
}

void EventLog::order_cancelled(const std::string& order_id, const std::string& tenant_order_id,
                               bool whole, const std::vector<core::Line>& cancelled) {
    JsonText out;
    begin_payload(out, order_id, tenant_order_id).key("lines").begin_array();
    for (const auto& l : cancelled) begin_line(out, l.line_id, l.article, l.quantity).end_object();
    out.end_array().end_object();
    add(whole ? "ORDER_CANCELLED" : "ORDER_LINES_CANCELLED", order_id, out.text());
}

void EventLog::plan_split(const std::string& order_id, const std::string& tenant_order_id,
                          const std::string& routing_plan_id,
                          const std::vector<std::string>& children, const std::string& decided_by) {
    JsonText out;
    begin_payload(out, order_id, tenant_order_id)
        .key("routingPlanId")
        .value(routing_plan_id)
        .key("childRoutingPlanIds")
        .begin_array();
    for (const auto& child : children) out.value(child);
    out.end_array().key("decidedBy").value(decided_by).end_object();
    add("ROUTING_PLAN_SPLITTED", order_id, out.text());
}

void EventLog::plan(const std::string& order_id, const std::string& tenant_order_id,
                    const PlanEvent& plan) {
    JsonText out;
    begin_payload(out, order_id, tenant_order_id)
        .key("routingPlanId")
        .value(plan.routing_plan_id)
        .key("parentRoutingPlanId")
        .value(plan.parent_routing_plan_id)
        .key("status")
        .value(status_name(plan.status))
        .key("facilityRef")
        .value(plan.facility_ref)
        .key("runType")
        .value(plan.run_type)
        .key("decidedBy")
        .value(plan.decided_by)
        .key("lines");
    planned_lines(out, plan.lines, /*with_short_in_quantity=*/true);
    out.end_object();
    add(std::string("ROUTING_PLAN_") + status_name(plan.status), order_id, out.text());
}

void EventLog::pick_job(const std::string& order_id, const std::string& tenant_order_id,
                        bool cancelled, const PickJobEvent& job) {
    bool short_picked = false;
    for (const auto& l : job.lines) short_picked = short_picked || l.short_quantity > 0;
    JsonText out;
    begin_payload(out, order_id, tenant_order_id)
        .key("pickJobId")
        .value(job.pick_job_id)
        .key("routingPlanId")
        .value(job.routing_plan_id)
        .key("facilityRef")
        .value(job.facility_ref)
        .key("pickLines");
    planned_lines(out, job.lines, /*with_short_in_quantity=*/false);
    out.key("subStatus")
        .value(short_picked ? std::optional<std::string>("SHORT_PICKED") : std::nullopt)
        .end_object();
    add(cancelled ? "PICK_JOB_CANCELLED" : "PICK_JOB_CREATED", order_id, out.text());
}

void EventLog::add(std::string event, const std::string& order_id, std::string payload) {
    pending_.add({std::move(event), order_id, std::move(payload)});
}

void EventLog::flush() {
    if (pending_.empty()) return;
    std::vector<spi::Value> columns = pending_.take();
    columns.emplace_back(tenant());
    spi::run(insert_events_sql, columns);
}

}  // namespace waitroom::pg
