// Loading and re-routing one WAITING or NOT_ROUTABLE plan (unrouted_plan.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pg/event_log.hpp"
#include "pg/routing_plan.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

// The plans' lines (quantity > 0, in line order), by plan id.
std::map<std::string, PlanToRoute> load_plans(const std::vector<std::string>& plan_ids);
// The distinct articles of the plans' lines, sorted (routing_store's articles_of, for many plans).
std::vector<std::string> articles_of(const std::map<std::string, PlanToRoute>& plans);
std::optional<PlanToRoute> load_plan(const std::string& plan_id);

// The first column of the rows, as text.
std::vector<std::string> first_column(const spi::Rows& rows);

// Re-routes one plan if it is still unrouted; returns whether it changed.
bool reroute_one(const std::string& plan_id, const RouteOptions& options, EventLog& events);

}  // namespace waitroom::pg
