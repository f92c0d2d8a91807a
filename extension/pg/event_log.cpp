#include "pg/event_log.hpp"

namespace waitroom::pg {
namespace {

// One array per column; unnest() yields the rows in array order, so event ids follow the
// order the events were added (one order's events are published in event_id order).
spi::Statement insert_events_sql{
    "INSERT INTO waitroom.event (event, order_id, payload)"
    "SELECT * FROM unnest($1::text[], $2::uuid[], $3::jsonb[])",
    3};

}  // namespace

void EventLog::add(const char* event, const std::string& order_id, std::string payload) {
    pending_.add({std::string(event), order_id, std::move(payload)});
}

void EventLog::flush() {
    if (pending_.empty()) return;
    spi::run(insert_events_sql, pending_.take());
}

}  // namespace waitroom::pg
