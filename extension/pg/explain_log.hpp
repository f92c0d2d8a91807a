// explain's decision log (issue 12): the router's trace of a decision, with every listing of
// the plan's articles in view, serialised once when the decision is written
// (explain_log.cpp; the table and waitroom.explain() are in sql/src/36_explain.sql).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/decision_trace.hpp"
#include "core/domain.hpp"
#include "pg/routing_plan.hpp"

namespace waitroom::pg {

// The listings of some articles that are not candidates (facility not ONLINE or listing not
// ACTIVE): routing never reads them, the log shows them failing their rule.
class NonCandidates {
public:
    explicit NonCandidates(const std::vector<std::string>& articles);
    // Adds those of the request's articles that the request does not hold.
    void add_to(core::RoutingRequest& request) const;

private:
    std::vector<core::Offer> offers_;
    std::map<std::string, core::Facility> facilities_;
};

// The request decided with its trace; the decision equals core::route(request)'s (listings
// that are not candidates change nothing).
core::TracedDecision route_with_trace(const core::RoutingRequest& request,
                                      const NonCandidates& others);

// The log of a decision whose parts became the plans `ids` (trace null: a manual assignment,
// or a decision that waited for a fresh snapshot without deciding).
std::string decision_log(const core::RoutingDecision& decision, const std::vector<std::string>& ids,
                         const RouteOptions& options, const core::DecisionTrace* trace);

// Whether waitroom.routing_decision exists (a database not yet updated from 0.1.0 has none);
// two catalog cache lookups (explain_table.cpp).
bool decision_log_table_exists();

}  // namespace waitroom::pg
