// Loading and re-routing one WAITING or NOT_ROUTABLE plan (unrouted_plan.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg/event_log.hpp"
#include "pg/routing_plan.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

// A plan's order row, then its plan row, FOR NO KEY UPDATE.
extern spi::Statement lock_plan_sql;

// A plan's place in the queue: (order_date in epoch microseconds, plan_no).
using QueueKey = std::pair<std::int64_t, std::int64_t>;

// The plans' lines (quantity > 0, in line order), by plan id, and (if `keys`) their queue keys.
std::map<std::string, PlanToRoute> load_plans(const std::vector<std::string>& plan_ids,
                                              std::map<std::string, QueueKey>* keys);
std::optional<PlanToRoute> load_plan(const std::string& plan_id);

// The first column of the rows, as text.
std::vector<std::string> first_column(const spi::Rows& rows);

// Re-routes one plan if it is still unrouted; returns whether it changed.
bool reroute_one(const std::string& plan_id, const RouteOptions& options, EventLog& events);

}  // namespace waitroom::pg
