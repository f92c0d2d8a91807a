// select_lines / require_whole_bundles: the `lines` argument both manual actions share.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "errors.hpp"
#include "line_selection.hpp"

namespace waitroom::core {
namespace {

const std::vector<SelectableLine> kPlan = {
    {"1", 2, std::nullopt}, {"2", 3, "b"}, {"3", 1, "b"}, {"4", 0, std::nullopt}};

// The SQLSTATE and message a selection raises, or the selection as "line=qty ...".
std::string verdict(const std::optional<std::string>& json, bool bundles = false) {
    try {
        const auto taken = select_lines(parse_lines_argument(json), kPlan, "plan P");
        if (bundles) require_whole_bundles(kPlan, taken);
        std::string out;
        for (const auto& [line, q] : taken)
            out += (out.empty() ? "" : " ") + line + "=" + std::to_string(q);
        return out;
    } catch (const UserError& e) {
        return std::string(e.sqlstate()) + ": " + e.what();
    }
}

TEST(LineSelection, NullTakesAllOfEveryLineThatHoldsAny) {
    EXPECT_EQ(verdict(std::nullopt), "1=2 2=3 3=1");
}

TEST(LineSelection, TakesWhatItNames) {
    EXPECT_EQ(verdict(R"([{"lineId": "2", "quantity": 1}, {"lineId": "1", "quantity": 2}])"),
              "1=2 2=1");
}

TEST(LineSelection, MalformedEntriesAreTheParsersErrors) {
    EXPECT_EQ(verdict("{}"), R"(22023: lines must be an array of {"lineId", "quantity"})");
    EXPECT_EQ(verdict(R"([{"lineId": "1", "quantity": 1e400}])"),
              "22023: lines[0].quantity is beyond int range");
}

TEST(LineSelection, UnknownLineNamesEntryAndScope) {
    EXPECT_EQ(verdict(R"([{"lineId": "1", "quantity": 1}, {"lineId": "9", "quantity": 1}])"),
              R"(22023: lines[1].lineId "9" is not a line of plan P)");
}

TEST(LineSelection, MoreThanIsLeftNamesWhatIsLeft) {
    EXPECT_EQ(verdict(R"([{"lineId": "1", "quantity": 3}])"),
              R"(22023: lines[0].quantity 3 of lineId "1" is more than the 2 left in plan P)");
    EXPECT_EQ(verdict(R"([{"lineId": "4", "quantity": 1}])"),
              R"(22023: lines[0].quantity 1 of lineId "4" is more than the 0 left in plan P)");
}

TEST(LineSelection, ABundleGoesWholeOrNotAtAll) {
    const std::string split =
        R"(22023: lines: bundle "b" cannot be split; take all of its lines, each whole)";
    EXPECT_EQ(verdict(R"([{"lineId": "2", "quantity": 3}])", true), split);
    EXPECT_EQ(verdict(R"([{"lineId": "2", "quantity": 2}, {"lineId": "3", "quantity": 1}])", true),
              split);
    EXPECT_EQ(verdict(R"([{"lineId": "2", "quantity": 3}, {"lineId": "3", "quantity": 1}])", true),
              "2=3 3=1");
    EXPECT_EQ(verdict(R"([{"lineId": "1", "quantity": 1}])", true), "1=1");
    EXPECT_EQ(verdict(std::nullopt, true), "1=2 2=3 3=1");
}

}  // namespace
}  // namespace waitroom::core
