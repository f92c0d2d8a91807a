// Events of one call, written to the outbox (waitroom.event) in one statement, in the order
// they happened, inside the caller's transaction (SPEC §5).
#pragma once

#include <string>

#include "pg/spi.hpp"

namespace waitroom::pg {

class EventLog {
public:
    // payload: the event's JSON object, as text
    void add(const char* event, const std::string& order_id, std::string payload);
    void flush();  // inserts what was added since the last flush

private:
    spi::Columns pending_{3};  // event, order_id, payload (JSON text)
};

}  // namespace waitroom::pg
