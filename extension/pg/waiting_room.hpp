// The waiting room's pass (waiting_room_pass.cpp, waiting_room_batch.cpp) and the stock
// trigger that calls it.
#pragma once

#include <string>
#include <vector>

#include "pg/routing_plan.hpp"

namespace waitroom::pg {

// Serves the WAITING plans of articles whose availability rose, in the strategy's queue
// order; what it cannot lock now it defers to reroute_queue. `drain`: then serves what earlier
// passes deferred. Returns the number of plans changed. Needs an SPI connection.
int waiting_room_pass(std::vector<std::string> articles, const std::string* now_override,
                      bool drain);

// A pass for articles named by the caller (listing and facility changes, pre-orders due).
int reactivate_articles(const std::vector<std::string>& articles, const std::string* now_override);

// Articles earlier passes deferred, tried again (release_due drains it).
int drain_retry_queue(const std::string* now_override);

// Serves a pass's plans (in queue order) in one batch; false (nothing kept) when a stock row
// is locked or changed: the caller then serves them one by one. Adds to *changed.
bool serve_in_batch(const std::vector<std::string>& plan_ids, const RouteOptions& options,
                    int* changed);

// The stock trigger's transaction callbacks (stock_trigger.cpp); _PG_init registers them.
void register_stock_trigger_callbacks();

}  // namespace waitroom::pg
