// Safety net (issue 10, gap 7): a decision never reserves beyond availability except rule 4's
// beyond-stock lines. The DecisionBuilder raises instead of clamping what is left silently.
#include <gtest/gtest.h>

#include <stdexcept>

#include "decision_builder.hpp"
#include "router_model.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {
namespace {

using detail::DecisionBuilder;

RoutingRequest one_facility(std::int64_t on_hand, std::int64_t quantity,
                            OutOfStockBehaviour behaviour = OutOfStockBehaviour::None) {
    RoutingRequest r = request();
    r.facilities = {facility("F1")};
    r.offers = {offer("F1", "a", on_hand, behaviour)};
    r.lines = {line("1", "a", quantity)};
    return r;
}

TEST(ReserveWithinAvailability, ServingMoreThanIsLeftRaises) {
    const RoutingRequest r = one_facility(2, 3);
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    EXPECT_THROW(builder.serve_full(0, model.units[0]), std::logic_error);
}

TEST(ReserveWithinAvailability, ServingWhatIsLeftDoesNot) {
    const RoutingRequest r = one_facility(3, 3);
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    builder.serve_full(0, model.units[0]);
    EXPECT_EQ(builder.left(0, 0), 0);
}

TEST(ReserveWithinAvailability, ServingTwiceWhatIsLeftOnceRaises) {
    RoutingRequest r = one_facility(4, 3);
    r.lines.push_back(line("2", "a", 2));
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    builder.serve_full(0, model.units[0]);
    EXPECT_THROW(builder.serve_full(0, model.units[1]), std::logic_error);
}

TEST(ReserveWithinAvailability, ServingBeyondTheStrictFifoBudgetRaises) {
    RoutingRequest r = one_facility(5, 3);
    r.strategy.waiting_room_priority = WaitingRoomPriority::StrictFifo;
    r.held_back = {{"a", 3}};  // 3 of the 5 wait in earlier plans: this decision may use 2
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    EXPECT_THROW(builder.serve_full(0, model.units[0]), std::logic_error);
}

TEST(ReserveWithinAvailability, RuleFourBeyondStockIsAllowed) {
    RoutingRequest r = one_facility(1, 3, OutOfStockBehaviour::Backorder);
    r.strategy = waiting_room_off();
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    builder.reserve_beyond(0, model.units[0]);
    const RoutingDecision d = builder.finish("rule 4");
    ASSERT_EQ(d.parts.size(), 1U);
    EXPECT_EQ(d.parts[0].lines[0].quantity, 3);
    EXPECT_TRUE(d.parts[0].lines[0].beyond_stock);
}

TEST(ReserveWithinAvailability, ShortPickTakesOnlyWhatIsLeft) {
    const RoutingRequest r = one_facility(2, 3);
    const detail::Model model = detail::build_model(r);
    DecisionBuilder builder(model);
    builder.short_pick(0, model.units[0]);
    const RoutingDecision d = builder.finish("short");
    EXPECT_EQ(d.parts[0].lines[0].quantity, 2);
    EXPECT_EQ(d.parts[0].lines[0].short_quantity, 1);
}

}  // namespace
}  // namespace waitroom::core::testing
