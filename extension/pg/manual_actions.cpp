// What the manual actions (SPEC §4: reroute, assign_facility, cancel_order) share.
#include "pg/manual_actions.hpp"

#include "core/errors.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {
namespace {

spi::Statement lock_order_sql{
    "SELECT status FROM waitroom.orders WHERE order_id = $1::uuid FOR NO KEY UPDATE", 1};

}  // namespace

void require_open_order(const std::string& order_id) {
    spi::Rows rows = spi::run(lock_order_sql, {order_id});
    if (rows.empty())
        throw core::UserError(core::sqlstate::kNoDataFound, "order_id " + order_id + " not found");
    if (spi::text(rows[0], 0) != "OPEN")
        throw core::UserError(core::sqlstate::kObjectNotInState,
                              "order " + order_id + " is " + spi::text(rows[0], 0));
}

}  // namespace waitroom::pg
