// The waiting room's pass (waiting_room.cpp) and the stock trigger that calls it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg/event_log.hpp"
#include "pg/plan_routing.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {

// Serves the WAITING plans of articles whose availability rose, in the strategy's queue
// order; what it cannot lock now it defers to reroute_queue. `drain`: then serves what earlier
// passes deferred. Returns the number of plans changed. Needs an SPI connection.
int waiting_room_pass(std::vector<std::string> articles, const std::string* now_override,
                      bool drain);

// Shared with the manual actions (manual_actions.cpp).
extern spi::Statement lock_plan_sql;      // a plan's order row, then its plan row
extern spi::Statement claim_retries_sql;  // takes up to 1000 reroute_queue entries
std::optional<PlanToRoute> load_plan(const std::string& plan_id);
std::vector<std::string> first_column(const spi::Rows& rows);
// Re-routes one plan if it is still unrouted; returns whether it changed.
bool reroute_one(const std::string& plan_id, const RouteOptions& options, EventLog& events);

// The stock trigger's transaction callbacks (stock_trigger.cpp); _PG_init registers them.
void register_stock_trigger_callbacks();

}  // namespace waitroom::pg
