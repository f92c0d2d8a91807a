// route(): SPEC §3 as a pure function. The rules, in the order they are tried:
//   1. one facility with complete stock for every unit (lowest penalty, then ref);
//   2. split active: split_search.hpp chooses the routed parts; leftover units then wait
//      (pre/backorderable, waiting room on) or are reserved beyond stock (rule 4, waiting room
//      off); once every routed plan is known, the rest are short-picked in a routed plan, or
//      at the one facility with the most of them when nothing is routed, or are not routable;
//   3. split not active: the whole order waits, or one facility takes it with short picks
//      (with the waiting room off, pre/backorderable units are reserved there beyond stock);
//   5. nothing anywhere: one NOT_ROUTABLE part.
// max_split_count counts every routed plan of the decision, rule 4's included: at the cap, a
// rule 4 unit can only join a routed plan whose facility has a BACKORDER/PREORDER listing.
#include "cpp_only.hpp"

#include "router.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "decision_builder.hpp"
#include "decision_trace.hpp"
#include "router_model.hpp"
#include "split_search.hpp"

namespace waitroom::core {

std::vector<std::int64_t> detail::plan_demand(const Model& model) {
    std::vector<std::int64_t> demand(model.article_count(), 0);
    for (std::size_t i = 0; i < model.request->lines.size(); ++i) {
        demand[model.line_article[i]] += model.request->lines[i].quantity;
    }
    return demand;
}

bool detail::covers(const Cell& cell, std::int64_t needed) {
    return cell.candidate && needed <= cell.available;
}

namespace {

using detail::DecisionBuilder;
using detail::Model;
using detail::Unit;

// Facility x with a better (lower) penalty than y, ties by ref (= index).
bool nearer(const Model& model, std::size_t x, std::size_t y) {
    return model.penalty[x] != model.penalty[y] ? model.penalty[x] < model.penalty[y] : x < y;
}

class Router {
public:
    explicit Router(const Model& model)
        : model_(model),
          strategy_(model.request->strategy),
          waiting_room_on_(strategy_.waiting_room_on()),
          cap_(static_cast<std::size_t>(std::max(strategy_.max_split_count, 1))) {}

    RoutingDecision run() {
        if (const auto f = single_complete_facility()) {
            DecisionBuilder builder(model_);
            for (const Unit& unit : model_.units) {
                builder.serve_full(*f, unit);
            }
            return builder.finish("complete-stock single facility");
        }
        return strategy_.order_split_active ? split() : no_split();
    }

private:
    // Rule 1.
    [[nodiscard]] std::optional<std::size_t> single_complete_facility() const {
        const std::vector<std::int64_t> demand = plan_demand(model_);
        for (std::size_t a = 0; a < demand.size(); ++a) {
            if (demand[a] > model_.budget[a]) {
                return std::nullopt;
            }
        }
        std::optional<std::size_t> best;
        for (std::size_t f = 0; f < model_.facility_count(); ++f) {
            bool complete = true;
            for (std::size_t a = 0; a < demand.size() && complete; ++a) {
                complete = covers(model_.cell(f, a), demand[a]);
            }
            if (complete && (!best || nearer(model_, f, *best))) {
                best = f;
            }
        }
        return best;
    }

    // Rule 2 and its leftovers (rule 4 and short picks).
    RoutingDecision split() {
        DecisionBuilder builder(model_);
        const detail::SplitChoice choice = detail::choose_split(model_, cap_);
        std::vector<bool> served(model_.units.size(), false);
        for (const detail::SplitPart& part : choice.parts) {
            for (std::size_t u : part.units) {
                builder.serve_full(part.facility, model_.units[u]);
                served[u] = true;
            }
        }
        // Short picks come last: which plans are routed is known only after rule 4.
        std::vector<const Unit*> short_units;
        for (std::size_t u = 0; u < model_.units.size(); ++u) {
            const Unit& unit = model_.units[u];
            if (served[u]) {
                continue;
            }
            if (unit.pre_back && waiting_room_on_) {
                builder.wait(unit);
            } else if (const auto f =
                           unit.pre_back ? rule4_facility(builder, unit) : std::nullopt) {
                builder.reserve_beyond(*f, unit);
            } else {
                short_units.push_back(&unit);
            }
        }
        short_pick_leftovers(builder, short_units);
        std::string rule;
        if (builder.routed_part_count() == 0 && !builder.any_waiting()) {
            rule = "not routable";
        } else if (builder.routed_part_count() == 0) {
            rule = "waiting room: whole order waits";
        } else if (builder.any_beyond()) {
            rule = "waiting room off: backorder reservation";
        } else if (builder.any_waiting()) {
            rule = "split with waiting room";
        } else if (builder.any_short() || builder.any_not_routable()) {
            rule = "split with short pick";
        } else {
            rule = "split";
        }
        return builder.finish(rule);
    }

    // Rule 4: a facility with a BACKORDER/PREORDER listing for the unit; stock first, then
    // the lowest penalty, then ref. At the cap, only a facility already routed to.
    [[nodiscard]] std::optional<std::size_t> rule4_facility(const DecisionBuilder& builder,
                                                            const Unit& unit) const {
        const bool may_open = builder.routed_part_count() < cap_;
        std::optional<std::size_t> best;
        bool best_stock = false;
        for (std::size_t f = 0; f < model_.facility_count(); ++f) {
            if ((!may_open && !builder.has_part_at(f)) ||
                !builder.can_reserve_beyond(f, unit, true)) {
                continue;
            }
            const bool stock = builder.has_any_stock(f, unit);
            if (!best || (stock && !best_stock) ||
                (stock == best_stock && nearer(model_, f, *best))) {
                best = f;
                best_stock = stock;
            }
        }
        return best;
    }

    // The facility among `facilities` with the most of `quantity(f)`; ties by penalty, then ref.
    template <typename Quantity>
    [[nodiscard]] std::pair<std::optional<std::size_t>, std::int64_t> most_of(
        const std::vector<std::size_t>& facilities, const Quantity& quantity) const {
        std::optional<std::size_t> best;
        std::int64_t best_quantity = -1;
        for (std::size_t f : facilities) {
            const std::int64_t q = quantity(f);
            if (q > best_quantity || (q == best_quantity && nearer(model_, f, *best))) {
                best = f;
                best_quantity = q;
            }
        }
        return {best, best_quantity};
    }

    // SPEC §3 rule 2, units that are not pre/backorderable (or have no rule 4 facility): short
    // picks, never a plan of their own next to routed plans. With routed plans, each unit joins
    // the one whose facility has the most of it (maybe none); without, all of them go to the
    // one facility with the most of them together, or to NOT_ROUTABLE if no facility has any.
    void short_pick_leftovers(DecisionBuilder& builder,
                              const std::vector<const Unit*>& units) const {
        if (units.empty()) {
            return;
        }
        if (builder.routed_part_count() > 0) {
            const std::vector<std::size_t> routed = builder.routed_facilities();
            for (const Unit* unit : units) {
                const auto [f, quantity] =
                    most_of(routed, [&](std::size_t g) { return builder.pickable(g, *unit); });
                builder.short_pick(*f, *unit);
            }
            return;
        }
        std::vector<std::size_t> all(model_.facility_count());
        for (std::size_t f = 0; f < all.size(); ++f) {
            all[f] = f;
        }
        const auto [f, quantity] =
            most_of(all, [&](std::size_t g) { return builder.pickable(g, units); });
        for (const Unit* unit : units) {
            if (f && quantity > 0) {
                builder.short_pick(*f, *unit);
            } else {
                builder.not_routable(*unit);
            }
        }
    }

    // Rule 3 at one facility: which units it serves in full, reserves beyond stock, or
    // short-picks, and how much it takes.
    enum class Kind { Full, Beyond, Short };
    struct SinglePlan {
        std::vector<Kind> kinds;
        std::size_t served = 0;
        std::int64_t quantity = 0;
    };

    // One facility's stock and the budget while rule 3 is tried there: the DecisionBuilder's
    // bookkeeping on a single column (a builder per facility would copy every facility's stock).
    struct Column {
        std::vector<std::int64_t> left;    // per article, at the facility
        std::vector<std::int64_t> budget;  // per article
        std::vector<std::int64_t> taken;   // per article: pickable's scratch, zero between calls
    };

    // DecisionBuilder::pickable on the column.
    [[nodiscard]] std::int64_t pickable(std::size_t f, const Unit& unit, Column& c) const {
        return pickable_at(
            model_, f, unit, [&](std::size_t a) { return c.left[a]; },
            [&](std::size_t a) { return c.budget[a]; }, c.taken);
    }

    // DecisionBuilder::take on the column.
    static void take(Column& c, std::size_t a, std::int64_t quantity, bool from_budget) {
        c.left[a] = std::max<std::int64_t>(0, c.left[a] - quantity);
        if (from_budget) {
            c.budget[a] = std::max<std::int64_t>(0, c.budget[a] - quantity);
        }
    }

    // DecisionBuilder::can_reserve_beyond(f, unit, false): every line has a BACKORDER/PREORDER
    // listing at f.
    [[nodiscard]] bool all_pre_back_at(std::size_t f, const Unit& unit) const {
        return std::all_of(unit.lines.begin(), unit.lines.end(), [&](std::size_t line) {
            const detail::Cell& cell = model_.cell(f, model_.line_article[line]);
            return cell.candidate && cell.pre_back;
        });
    }

    void plan_single(std::size_t f, Column& c, SinglePlan& plan) const {
        for (std::size_t a = 0; a < model_.article_count(); ++a) {
            c.left[a] = model_.cell(f, a).available;
            c.budget[a] = model_.budget[a];
        }
        plan.kinds.assign(model_.units.size(), Kind::Short);
        plan.served = 0;
        plan.quantity = 0;
        for (std::size_t u = 0; u < model_.units.size(); ++u) {
            const Unit& unit = model_.units[u];
            if (pickable(f, unit, c) == unit.total_quantity) {
                for (std::size_t line : unit.lines) {
                    take(c, model_.line_article[line], model_.request->lines[line].quantity, true);
                }
                plan.kinds[u] = Kind::Full;
            } else if (!waiting_room_on_ && unit.pre_back && all_pre_back_at(f, unit)) {
                for (std::size_t line : unit.lines) {
                    const std::size_t a = model_.line_article[line];
                    take(c, a, model_.request->lines[line].quantity, !model_.cell(f, a).pre_back);
                }
                plan.kinds[u] = Kind::Beyond;
            } else {
                continue;
            }
            ++plan.served;
            plan.quantity += unit.total_quantity;
        }
        for (std::size_t u = 0; u < model_.units.size(); ++u) {
            if (plan.kinds[u] != Kind::Short) {
                continue;
            }
            const Unit& unit = model_.units[u];
            plan.quantity += pickable(f, unit, c);
            for (std::size_t line : unit.lines) {  // DecisionBuilder::short_pick
                const std::size_t a = model_.line_article[line];
                const std::int64_t pick =
                    model_.cell(f, a).candidate
                        ? std::max<std::int64_t>(0, std::min({model_.request->lines[line].quantity,
                                                              c.left[a], c.budget[a]}))
                        : 0;
                take(c, a, pick, true);
            }
        }
    }

    // Rule 3 (and rule 5).
    [[nodiscard]] RoutingDecision no_split() const {
        std::optional<std::size_t> best;
        SinglePlan best_plan;
        SinglePlan plan;
        const std::size_t na = model_.article_count();
        Column column{std::vector<std::int64_t>(na), std::vector<std::int64_t>(na),
                      std::vector<std::int64_t>(na, 0)};
        for (std::size_t f = 0; f < model_.facility_count(); ++f) {
            plan_single(f, column, plan);
            const bool better =
                !best || plan.served > best_plan.served ||
                (plan.served == best_plan.served &&
                 (plan.quantity > best_plan.quantity ||
                  (plan.quantity == best_plan.quantity && nearer(model_, f, *best))));
            if (better) {
                best = f;
                std::swap(best_plan, plan);
            }
        }
        DecisionBuilder builder(model_);
        if (waiting_room_on_) {
            for (std::size_t u = 0; u < model_.units.size(); ++u) {
                const bool missing = !best || best_plan.kinds[u] != Kind::Full;
                if (missing && model_.units[u].pre_back) {
                    for (const Unit& unit : model_.units) {
                        builder.wait(unit);
                    }
                    return builder.finish("no split: whole order waits");
                }
            }
        }
        if (!best || best_plan.quantity == 0) {
            for (const Unit& unit : model_.units) {
                builder.not_routable(unit);
            }
            return builder.finish("not routable");
        }
        for (std::size_t u = 0; u < model_.units.size(); ++u) {
            if (best_plan.kinds[u] == Kind::Full) {
                builder.serve_full(*best, model_.units[u]);
            } else if (best_plan.kinds[u] == Kind::Beyond) {
                builder.reserve_beyond(*best, model_.units[u]);
            }
        }
        for (std::size_t u = 0; u < model_.units.size(); ++u) {
            if (best_plan.kinds[u] == Kind::Short) {
                builder.short_pick(*best, model_.units[u]);
            }
        }
        return builder.finish(builder.any_beyond() ? "waiting room off: backorder reservation"
                                                   : "no split: short pick");
    }

    const Model& model_;
    const Strategy& strategy_;
    bool waiting_room_on_;
    std::size_t cap_;
};

}  // namespace

RoutingDecision detail::decide(const Model& model) { return Router(model).run(); }

RoutingDecision route(const RoutingRequest& request) {
    if (request.debug_throw) {
        throw std::runtime_error("waitroom core: injected fault");
    }
    const Model model = detail::build_model(request);
    return detail::decide(model);
}

TracedDecision route_traced(const RoutingRequest& request) {
    if (request.debug_throw) {
        throw std::runtime_error("waitroom core: injected fault");
    }
    const Model model = detail::build_model(request);
    TracedDecision traced{detail::decide(model), {}};
    traced.trace = detail::trace_of(model, traced.decision);
    return traced;
}

}  // namespace waitroom::core
