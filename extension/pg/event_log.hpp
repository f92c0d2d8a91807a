// Events of one call, written to the outbox (waitroom.event) in one statement, in the order
// they happened, inside the caller's transaction (SPEC §5).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace waitroom::pg {

class EventLog {
public:
    void add(const char* event, const std::string& order_id, nlohmann::json payload);
    void flush();  // inserts what was added since the last flush

private:
    nlohmann::json pending_ = nlohmann::json::array();
};

}  // namespace waitroom::pg
