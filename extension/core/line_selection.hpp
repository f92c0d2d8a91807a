// The `lines` argument of the manual actions (SPEC §2: assign_facility, cancel_order),
// resolved against what the action may take: one parser, one set of messages, one bundle
// check for both. Every rejection is a UserError 22023 naming the entry.
#pragma once
#include "cpp_only.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "order_input.hpp"

namespace waitroom::core {

// A line as a manual action sees it: how much of it the action may take.
struct SelectableLine {
    std::string line_id;
    std::int64_t quantity = 0;  // assign: what the plan holds; cancel: what is left of the line
    std::optional<std::string> bundle_ref;
};

// The `lines` argument, parsed before anything is locked: null (every line, whole) or
// [{"lineId", "quantity"}] (parse_line_quantities).
std::optional<std::vector<LineQuantity>> parse_lines_argument(
    const std::optional<std::string>& lines_json);

// Line id -> quantity to take: all of every line when `wanted` is null, else what it names
// from `available`, which `scope` names in messages ("plan <id>", "order <id>"). Lines taking
// nothing are left out.
std::map<std::string, std::int64_t> select_lines(
    const std::optional<std::vector<LineQuantity>>& wanted,
    const std::vector<SelectableLine>& available, const std::string& scope);

// A bundle goes whole or not at all (SPEC §4: a partial assignment may not split a bundle).
void require_whole_bundles(const std::vector<SelectableLine>& available,
                           const std::map<std::string, std::int64_t>& taken);

}  // namespace waitroom::core
