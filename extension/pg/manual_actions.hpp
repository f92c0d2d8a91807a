// What the manual actions share (manual_actions.cpp).
#pragma once

#include <string>

namespace waitroom::pg {

// Locks the order row; UserError P0002 when it does not exist, 55000 when it is not OPEN.
void require_open_order(const std::string& order_id);

}  // namespace waitroom::pg
