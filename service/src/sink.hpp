// Where a claimed delivery goes. Success means the sink has it (stdout: written; webhook: 2xx).
#pragma once

#include <string>

#include "outbox.hpp"

namespace waitroomd {

struct SinkResult {
    bool ok = false;
    std::string error;  // why not, for delivery.last_error and the log
};

}  // namespace waitroomd
