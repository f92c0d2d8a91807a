// DecisionBuilder: bookkeeping of a routing decision under construction.
#include "cpp_only.hpp"

#include "decision_builder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace waitroom::core::detail {

DecisionBuilder::DecisionBuilder(const Model& model)
    : model_(model), budget_left_(model.budget), taken_(model.article_count(), 0) {
    left_.reserve(model.cells.size());
    for (const Cell& cell : model.cells) {
        left_.push_back(cell.available);
    }
}

void DecisionBuilder::clear_taken(const Unit& unit) const {
    for (std::size_t line : unit.lines) {
        taken_[model_.line_article[line]] = 0;
    }
}

std::int64_t DecisionBuilder::pickable(std::size_t f, const Unit& unit) const {
    return pickable_at(
        model_, f, unit, [&](std::size_t a) { return left(f, a); },
        [&](std::size_t a) { return budget_left(a); }, taken_);
}

std::int64_t DecisionBuilder::pickable(std::size_t f, const std::vector<const Unit*>& units) const {
    // Lines take stock and budget alike, so per article the picks add up to the smallest of
    // the demand, the stock left and the budget left. taken_ holds the demand meanwhile.
    for (const Unit* unit : units) {
        for (std::size_t line : unit->lines) {
            taken_[model_.line_article[line]] += model_.request->lines[line].quantity;
        }
    }
    std::int64_t total = 0;
    for (const Unit* unit : units) {
        for (std::size_t line : unit->lines) {
            const std::size_t a = model_.line_article[line];
            if (taken_[a] > 0 && model_.cell(f, a).candidate) {
                total +=
                    std::max<std::int64_t>(0, std::min({taken_[a], left(f, a), budget_left(a)}));
            }
            taken_[a] = 0;
        }
    }
    return total;
}

bool DecisionBuilder::has_any_stock(std::size_t f, const Unit& unit) const {
    return std::any_of(unit.lines.begin(), unit.lines.end(),
                       [&](std::size_t line) { return left(f, model_.line_article[line]) > 0; });
}

bool DecisionBuilder::can_reserve_beyond(std::size_t f, const Unit& unit,
                                         bool stock_lines_allowed) const {
    bool some_pre_back = false;
    bool ok = true;
    for (std::size_t line : unit.lines) {
        const std::size_t a = model_.line_article[line];
        const Cell& cell = model_.cell(f, a);
        if (!cell.candidate) {
            ok = false;
            break;
        }
        if (cell.pre_back) {
            some_pre_back = true;
            continue;
        }
        const std::int64_t quantity = model_.request->lines[line].quantity;
        if (!stock_lines_allowed || quantity > left(f, a) - taken_[a] ||
            quantity > budget_left(a) - taken_[a]) {
            ok = false;
            break;
        }
        taken_[a] += quantity;
    }
    clear_taken(unit);
    return ok && some_pre_back;
}

bool DecisionBuilder::has_part_at(std::size_t f) const {
    return std::any_of(parts_.begin(), parts_.end(),
                       [f](const Part& part) { return part.facility == f; });
}

std::vector<std::size_t> DecisionBuilder::routed_facilities() const {
    std::vector<std::size_t> result;
    result.reserve(parts_.size());
    for (const Part& part : parts_) {
        result.push_back(part.facility);
    }
    return result;
}

DecisionBuilder::Part& DecisionBuilder::part_at(std::size_t f) {
    for (Part& part : parts_) {
        if (part.facility == f) {
            return part;
        }
    }
    parts_.push_back(Part{f, {}, {}});
    return parts_.back();
}

void DecisionBuilder::take(std::size_t f, std::size_t a, std::int64_t quantity, bool beyond) {
    std::int64_t& left = left_[f * model_.article_count() + a];
    if (beyond) {
        left = std::max<std::int64_t>(0, left - quantity);
        return;
    }
    if (quantity > left || quantity > budget_left_[a]) {
        throw std::logic_error("routing decision reserves " + std::to_string(quantity) + " of " +
                               model_.articles[a] + " at " + model_.facility_refs[f] +
                               " beyond availability (" + std::to_string(left) + " left, " +
                               std::to_string(budget_left_[a]) + " in the budget)");
    }
    left -= quantity;
    budget_left_[a] -= quantity;
}

void DecisionBuilder::add_line(Part& part, std::size_t line, std::int64_t quantity,
                               std::int64_t short_quantity, bool beyond) {
    const Line& source = model_.request->lines[line];
    PlannedLine planned;
    planned.line_id = source.line_id;
    planned.article = source.article;
    planned.quantity = quantity;
    planned.short_quantity = short_quantity;
    planned.beyond_stock = beyond;
    part.lines.push_back(line);
    part.planned.push_back(std::move(planned));
}

void DecisionBuilder::serve_full(std::size_t f, const Unit& unit) {
    Part& part = part_at(f);
    for (std::size_t line : unit.lines) {
        const std::int64_t quantity = model_.request->lines[line].quantity;
        take(f, model_.line_article[line], quantity, false);
        add_line(part, line, quantity, 0, false);
    }
}

void DecisionBuilder::short_pick(std::size_t f, const Unit& unit) {
    Part& part = part_at(f);
    for (std::size_t line : unit.lines) {
        const std::size_t a = model_.line_article[line];
        const std::int64_t quantity = model_.request->lines[line].quantity;
        const std::int64_t pick =
            model_.cell(f, a).candidate
                ? std::max<std::int64_t>(0, std::min({quantity, left(f, a), budget_left(a)}))
                : 0;
        take(f, a, pick, false);
        add_line(part, line, pick, quantity - pick, false);
        any_short_ = any_short_ || pick < quantity;
    }
}

void DecisionBuilder::reserve_beyond(std::size_t f, const Unit& unit) {
    Part& part = part_at(f);
    for (std::size_t line : unit.lines) {
        const std::size_t a = model_.line_article[line];
        const std::int64_t quantity = model_.request->lines[line].quantity;
        const bool beyond = model_.cell(f, a).pre_back;
        take(f, a, quantity, beyond);
        add_line(part, line, quantity, 0, beyond);
        any_beyond_ = any_beyond_ || beyond;
    }
}

void DecisionBuilder::wait(const Unit& unit) {
    waiting_.insert(waiting_.end(), unit.lines.begin(), unit.lines.end());
}

void DecisionBuilder::not_routable(const Unit& unit) {
    not_routable_.insert(not_routable_.end(), unit.lines.begin(), unit.lines.end());
}

RoutingDecision DecisionBuilder::finish(std::string rule) const {
    RoutingDecision decision;
    decision.rule = std::move(rule);

    std::vector<const Part*> routed;
    routed.reserve(parts_.size());
    for (const Part& part : parts_) {
        routed.push_back(&part);
    }
    const auto first_line = [](const Part* p) {
        return *std::min_element(p->lines.begin(), p->lines.end());
    };
    std::sort(routed.begin(), routed.end(),
              [&](const Part* x, const Part* y) { return first_line(x) < first_line(y); });
    for (const Part* part : routed) {
        std::vector<std::size_t> idx(part->lines.size());
        for (std::size_t i = 0; i < idx.size(); ++i) {
            idx[i] = i;
        }
        std::sort(idx.begin(), idx.end(),
                  [&](std::size_t x, std::size_t y) { return part->lines[x] < part->lines[y]; });
        PlannedPart out;
        out.status = PlanStatus::Routed;
        out.facility_ref = model_.facility_refs[part->facility];
        for (std::size_t i : idx) {
            out.lines.push_back(part->planned[i]);
        }
        decision.parts.push_back(std::move(out));
    }

    const auto held_part = [&](PlanStatus status, std::vector<std::size_t> lines) {
        std::sort(lines.begin(), lines.end());
        PlannedPart out;
        out.status = status;
        for (std::size_t line : lines) {
            const Line& source = model_.request->lines[line];
            PlannedLine planned;
            planned.line_id = source.line_id;
            planned.article = source.article;
            planned.quantity = source.quantity;
            out.lines.push_back(std::move(planned));
        }
        return out;
    };
    if (!waiting_.empty()) {
        decision.parts.push_back(held_part(PlanStatus::Waiting, waiting_));
    }
    if (!not_routable_.empty()) {
        decision.parts.push_back(held_part(PlanStatus::NotRoutable, not_routable_));
    }
    return decision;
}

}  // namespace waitroom::core::detail
