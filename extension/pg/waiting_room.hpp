// The waiting room's pass (waiting_room.cpp) and the stock trigger that calls it.
#pragma once

#include <string>
#include <vector>

namespace waitroom::pg {

// Serves the WAITING plans of articles whose availability rose, in the strategy's queue
// order; what it cannot lock now it defers to reroute_queue. `drain`: then serves what earlier
// passes deferred. Returns the number of plans changed. Needs an SPI connection.
int waiting_room_pass(std::vector<std::string> articles, const std::string* now_override,
                      bool drain);

// The stock trigger's transaction callbacks (stock_trigger.cpp); _PG_init registers them.
void register_stock_trigger_callbacks();

}  // namespace waitroom::pg
