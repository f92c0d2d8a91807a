// Events of one call, written to the outbox (waitroom.event) in one statement, in the order
// they happened, inside the caller's transaction (SPEC §5).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "pg/spi.hpp"

namespace waitroom::pg {

class EventLog {
public:
    void add(const char* event, const std::string& order_id, const nlohmann::json& payload);
    void flush();  // inserts what was added since the last flush

private:
    spi::Columns pending_{3};  // event, order_id, payload (JSON text)
};

}  // namespace waitroom::pg
