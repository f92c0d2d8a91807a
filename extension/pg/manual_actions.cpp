// What the manual actions (SPEC §4: reroute, assign_facility, cancel_order) share.
#include "pg/manual_actions.hpp"

#include <optional>

#include "core/errors.hpp"
#include "pg/lock_protocol.hpp"

namespace waitroom::pg {

void require_open_order(const std::string& order_id) {
    const std::optional<std::string> status = lock_order(order_id);
    if (!status)
        throw core::UserError(core::sqlstate::kNoDataFound, "order_id " + order_id + " not found");
    if (*status != "OPEN")
        throw core::UserError(core::sqlstate::kObjectNotInState,
                              "order " + order_id + " is " + *status);
}

}  // namespace waitroom::pg
