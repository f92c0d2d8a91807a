#include "pg/event_log.hpp"

#include "pg/spi.hpp"

namespace waitroom::pg {
namespace {

spi::Statement insert_events_sql{
    "INSERT INTO waitroom.event (event, order_id, payload)"
    "SELECT e->>'event', (e->>'order_id')::uuid, e->'payload'"
    "  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)"
    " ORDER BY t.n",
    1};

}  // namespace

void EventLog::add(const char* event, const std::string& order_id, nlohmann::json payload) {
    pending_.push_back({{"event", event}, {"order_id", order_id}, {"payload", std::move(payload)}});
}

void EventLog::flush() {
    if (pending_.empty()) return;
    spi::run(insert_events_sql, {pending_.dump()});
    pending_ = nlohmann::json::array();
}

}  // namespace waitroom::pg
