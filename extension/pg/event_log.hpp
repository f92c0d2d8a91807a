// The events of SPEC §5: every payload is built here, so that each kind of event carries the
// same keys wherever it comes from (a decision, a pass, a manual action, a cancel). One call's
// events go to the outbox (waitroom.event) in one statement, in the order they happened,
// inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

// A routing plan as its ROUTING_PLAN_<status> event shows it.
struct PlanEvent {
    std::string routing_plan_id;
    std::optional<std::string> parent_routing_plan_id;
    core::PlanStatus status = core::PlanStatus::Waiting;
    std::optional<std::string> facility_ref;  // null unless routed (kept when cancelled)
    std::string run_type;
    std::string decided_by;
    // What the plan holds (picked + short) or held until it was cancelled; short_quantity: short.
    std::vector<core::PlannedLine> lines;
};

// A pick job as PICK_JOB_CREATED and PICK_JOB_CANCELLED show it.
struct PickJobEvent {
    std::string pick_job_id;
    std::string routing_plan_id;
    std::string facility_ref;
    std::vector<core::PlannedLine> lines;  // quantity: to pick; short_quantity: not picked
};

class EventLog {
public:
    // ORDER_CREATED. order_date: as Postgres prints the timestamptz.
    void order_created(const std::string& order_id, const std::string& tenant_order_id,
                       const std::string& order_date, int priority,
                       const std::vector<core::Line>& lines);
    // ORDER_CANCELLED (whole) or ORDER_LINES_CANCELLED: the quantities cancelled by the call.
    void order_cancelled(const std::string& order_id, const std::string& tenant_order_id,
                         bool whole, const std::vector<core::Line>& cancelled);
    // ROUTING_PLAN_SPLITTED: the plan keeps its id, its other parts become its children.
    void plan_split(const std::string& order_id, const std::string& tenant_order_id,
                    const std::string& routing_plan_id, const std::vector<std::string>& children,
                    const std::string& decided_by);
    // ROUTING_PLAN_ROUTED / WAITING / NOT_ROUTABLE / CANCELLED, after the plan's status.
    void plan(const std::string& order_id, const std::string& tenant_order_id,
              const PlanEvent& plan);
    // PICK_JOB_CREATED, or PICK_JOB_CANCELLED with the lines the job had.
    void pick_job(const std::string& order_id, const std::string& tenant_order_id, bool cancelled,
                  const PickJobEvent& job);

    void flush();  // inserts what was added since the last flush

private:
    void add(std::string event, const std::string& order_id, std::string payload);

    spi::Columns pending_{3};  // event, order_id, payload (JSON text)
};

}  // namespace waitroom::pg
