// Writing routing decisions (decision_writer.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/decision_trace.hpp"
#include "core/domain.hpp"
#include "pg/event_log.hpp"
#include "pg/routing_plan.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

// Collects the writes of one or many decisions (plans, lines, pick jobs, reservations; the
// events go to the EventLog), then writes them with one statement per table: a pass that
// serves 1,000 plans writes each table once, and each stock row's `reserved` once.
class DecisionWriter {
public:
    // `trace`: the router's trace of the decision, for explain's log (null: not traced).
    void add(const PlanToRoute& plan, const core::RoutingDecision& decision,
             const RouteOptions& options, EventLog& events,
             const core::DecisionTrace* trace = nullptr);
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
    spi::Columns decision_logs_{2};
    std::map<std::pair<std::string, std::string>, std::int64_t> reservations_;
};

// Writes a decision for the plan (also used for manual assignment, which decides itself).
std::vector<WrittenPlan> write_decision(const PlanToRoute& plan,
                                        const core::RoutingDecision& decision,
                                        const RouteOptions& options, EventLog& events,
                                        const core::DecisionTrace* trace = nullptr);

}  // namespace waitroom::pg
