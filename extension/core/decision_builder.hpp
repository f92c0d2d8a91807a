// Accumulates a routing decision: what each routed part takes, what is left per facility and
// article, what is left of the STRICT_FIFO budget, and the waiting and not-routable parts.
#pragma once
#include "cpp_only.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain.hpp"
#include "router_model.hpp"

namespace waitroom::core::detail {

// What a short pick of the unit at facility f takes, given what is left of each article there
// (`left(a)`) and of its budget (`budget(a)`): each line takes what earlier lines of the unit
// left. The one rule for the decision builder and for rule 3's trial of a single facility.
// `taken` is per-article scratch, zero before and after the call.
template <typename Left, typename Budget>
[[nodiscard]] std::int64_t pickable_at(const Model& model, std::size_t f, const Unit& unit,
                                       const Left& left, const Budget& budget,
                                       std::vector<std::int64_t>& taken) {
    if (unit.lines.size() == 1) {  // the usual unit: no earlier line to make room for
        const std::size_t line = unit.lines.front();
        const std::size_t a = model.line_article[line];
        return model.cell(f, a).candidate
                   ? std::max<std::int64_t>(
                         0, std::min({model.request->lines[line].quantity, left(a), budget(a)}))
                   : 0;
    }
    std::int64_t total = 0;
    for (std::size_t line : unit.lines) {
        const std::size_t a = model.line_article[line];
        if (!model.cell(f, a).candidate) {
            continue;
        }
        const std::int64_t pick =
            std::max<std::int64_t>(0, std::min({model.request->lines[line].quantity,
                                                left(a) - taken[a], budget(a) - taken[a]}));
        taken[a] += pick;
        total += pick;
    }
    for (std::size_t line : unit.lines) {
        taken[model.line_article[line]] = 0;
    }
    return total;
}

class DecisionBuilder {
public:
    explicit DecisionBuilder(const Model& model);

    [[nodiscard]] std::int64_t left(std::size_t f, std::size_t a) const {
        return left_[f * model_.article_count() + a];
    }
    [[nodiscard]] std::int64_t budget_left(std::size_t a) const { return budget_left_[a]; }

    // What a short pick of the unit at f would take now (sum over its lines).
    [[nodiscard]] std::int64_t pickable(std::size_t f, const Unit& unit) const;
    // What short picks of all the units at f would take now (sum over their lines).
    [[nodiscard]] std::int64_t pickable(std::size_t f, const std::vector<const Unit*>& units) const;
    // Whether f has stock left for any line of the unit.
    [[nodiscard]] bool has_any_stock(std::size_t f, const Unit& unit) const;
    // Rule 4: f is a candidate for every line, every line has a BACKORDER/PREORDER listing
    // there or (when stock_lines_allowed) stock left for it, and at least one line has such a
    // listing.
    [[nodiscard]] bool can_reserve_beyond(std::size_t f, const Unit& unit,
                                          bool stock_lines_allowed) const;

    [[nodiscard]] bool has_part_at(std::size_t f) const;
    [[nodiscard]] std::size_t routed_part_count() const { return parts_.size(); }
    [[nodiscard]] std::vector<std::size_t> routed_facilities() const;

    // Routes the unit to f with complete stock: full quantities, stock and budget consumed.
    void serve_full(std::size_t f, const Unit& unit);
    // Routes the unit to f picking what is left (stock and budget), the rest short.
    void short_pick(std::size_t f, const Unit& unit);
    // Rule 4: reserves the unit at f in full; lines with a BACKORDER/PREORDER listing there are
    // marked beyond_stock (they use what stock is left but not the budget), other lines are
    // served from stock.
    void reserve_beyond(std::size_t f, const Unit& unit);
    void wait(const Unit& unit);
    void not_routable(const Unit& unit);

    [[nodiscard]] bool any_short() const { return any_short_; }
    [[nodiscard]] bool any_beyond() const { return any_beyond_; }
    [[nodiscard]] bool any_waiting() const { return !waiting_.empty(); }
    [[nodiscard]] bool any_not_routable() const { return !not_routable_.empty(); }

    // Routed parts ordered by their first line, then the waiting part, then the not-routable
    // part; lines in request order inside each part.
    [[nodiscard]] RoutingDecision finish(std::string rule) const;

private:
    struct Part {
        std::size_t facility = 0;
        std::vector<std::size_t> lines;  // request line indices
        std::vector<PlannedLine> planned;
    };
    Part& part_at(std::size_t f);
    // Zeroes taken_ for the unit's articles.
    void clear_taken(const Unit& unit) const;
    // Takes quantity of article a at f. From stock (`beyond` false) it must be left there and in
    // the budget: a decision never reserves beyond availability (SPEC §4), so more is a bug in
    // the router and throws std::logic_error (XX000) rather than being clamped silently.
    // Rule 4's beyond-stock lines (`beyond`) use what stock is left and not the budget.
    void take(std::size_t f, std::size_t a, std::int64_t quantity, bool beyond);
    void add_line(Part& part, std::size_t line, std::int64_t quantity, std::int64_t short_quantity,
                  bool beyond);

    const Model& model_;
    std::vector<std::int64_t> left_;
    std::vector<std::int64_t> budget_left_;
    // Per article, what earlier lines of the unit being judged take (zero between calls);
    // scratch for the const queries, so that they do not allocate.
    mutable std::vector<std::int64_t> taken_;
    std::vector<Part> parts_;
    std::vector<std::size_t> waiting_;
    std::vector<std::size_t> not_routable_;
    bool any_short_ = false;
    bool any_beyond_ = false;
};

}  // namespace waitroom::core::detail
