// The place_order body (SPEC §2), parsed and validated. Every rejection names the field
// and carries SQLSTATE 22023, so a bad order changes nothing.
#pragma once
#include "cpp_only.hpp"
#include "domain.hpp"

#include <optional>
#include <string>
#include <vector>

namespace waitroom::core {

struct OrderInput {
    std::string tenant_order_id;
    std::optional<std::string> tenant_id;   // "tenantId" (SPEC §7); unset: not given
    std::optional<std::string> order_date;  // ISO 8601 text; the database parses it
    int priority = 0;
    std::optional<Location> consumer;
    std::vector<Line> lines;  // line ids filled in: a missing id is its 1-based position
};

// Parses JSON text (as jsonb prints it). Throws UserError.
OrderInput parse_order_input(const std::string& json_text);

// A `lines` argument of assign_facility / cancel_order: [{"lineId", "quantity"}].
struct LineQuantity {
    std::string line_id;
    std::int64_t quantity = 0;
};
std::vector<LineQuantity> parse_line_quantities(const std::string& json_text);

}  // namespace waitroom::core
