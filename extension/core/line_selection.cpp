#include "line_selection.hpp"

#include <set>

#include "errors.hpp"

namespace waitroom::core {

std::optional<std::vector<LineQuantity>> parse_lines_argument(
    const std::optional<std::string>& lines_json) {
    if (!lines_json) return std::nullopt;
    return parse_line_quantities(*lines_json);
}

std::map<std::string, std::int64_t> select_lines(
    const std::optional<std::vector<LineQuantity>>& wanted,
    const std::vector<SelectableLine>& available, const std::string& scope) {
    std::map<std::string, std::int64_t> taken;
    if (!wanted) {
        for (const auto& l : available)
            if (l.quantity > 0) taken[l.line_id] = l.quantity;
        return taken;
    }
    std::map<std::string, std::int64_t> left;
    for (const auto& l : available) left[l.line_id] = l.quantity;
    for (std::size_t i = 0; i < wanted->size(); ++i) {
        const LineQuantity& w = (*wanted)[i];
        std::string message = "lines[" + std::to_string(i) + "]";
        const auto it = left.find(w.line_id);
        if (it == left.end()) {
            message.append(".lineId \"").append(w.line_id).append("\" is not a line of ");
            throw UserError(sqlstate::kInvalidParameter, message.append(scope));
        }
        if (w.quantity > it->second) {
            message.append(".quantity ").append(std::to_string(w.quantity));
            message.append(" of lineId \"").append(w.line_id).append("\" is more than the ");
            message.append(std::to_string(it->second)).append(" left in ").append(scope);
            throw UserError(sqlstate::kInvalidParameter, message);
        }
        taken[w.line_id] = w.quantity;
    }
    return taken;
}

void require_whole_bundles(const std::vector<SelectableLine>& available,
                           const std::map<std::string, std::int64_t>& taken) {
    std::map<std::string, bool> whole;  // bundle -> every line of it taken whole so far
    std::set<std::string> touched;
    for (const auto& l : available) {
        if (!l.bundle_ref) continue;
        const auto t = taken.find(l.line_id);
        if (t != taken.end()) touched.insert(*l.bundle_ref);
        const bool all = t != taken.end() && t->second == l.quantity;
        auto [it, inserted] = whole.emplace(*l.bundle_ref, all);
        if (!inserted) it->second = it->second && all;
    }
    for (const auto& bundle : touched)
        if (!whole[bundle])
            throw UserError(sqlstate::kInvalidParameter,
                            "lines: bundle \"" + bundle +
                                "\" cannot be split; take all of its lines, each whole");
}

}  // namespace waitroom::core
