// parse_order_input / parse_line_quantities against hostile input (issue 10): numbers beyond
// double, deep and huge JSON, control characters, long ids, 10,000 lines. Every rejection is a
// UserError with SPEC §6's SQLSTATE and a message that starts with the field.
#include <gtest/gtest.h>

#include <string>

#include "errors.hpp"
#include "order_input.hpp"

namespace waitroom::core {
namespace {

std::string order_with_line(const std::string& line_members) {
    return R"({"tenantOrderId": "A", "orderLineItems": [{"tenantArticleId": "sku-1", )" +
           line_members + "}]}";
}

// The SQLSTATE and message parse_order_input raises, or "ok".
std::string verdict(const std::string& text) {
    try {
        parse_order_input(text);
        return "ok";
    } catch (const UserError& e) {
        return std::string(e.sqlstate()) + " " + e.what();
    }
}

TEST(OrderInput, NumbersBeyondDoubleNameTheField) {
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1e400)")),
              "22023 orderLineItems[0].quantity is beyond int range");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": -1e400)")),
              "22023 orderLineItems[0].quantity is beyond int range");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1)" + std::string(400, '0'))),
              "22023 orderLineItems[0].quantity is beyond int range");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 0.)" + std::string(400, '0') + "1e401")),
              "ok");  // 1 in disguise, below and above double at once
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1e-400)")),
              "22023 orderLineItems[0].quantity must be greater than 0");
    EXPECT_EQ(
        verdict(
            R"({"tenantOrderId": "A", "priority": 1E+99999999999999999999999, "orderLineItems": [{"tenantArticleId": "s", "quantity": 1}]})"),
        "22023 priority is beyond int range");
    EXPECT_EQ(
        verdict(
            R"({"tenantOrderId": "A", "consumer": {"lat": -1e400, "lon": 1}, "orderLineItems": [{"tenantArticleId": "s", "quantity": 1}]})"),
        "22023 consumer.lat is out of range");
}

TEST(OrderInput, UnknownKeysAreIgnoredWhateverTheyHold) {
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "x": [1e400, -1e999, "1e400\"", {}])")),
              "ok");
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "deep": )" + deep)), "ok");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "huge": ")" +
                                      std::string(std::size_t{16} << 20U, 'x') + "\"")),
              "ok");
}

TEST(OrderInput, MalformedTextIs22P02) {
    EXPECT_EQ(verdict("{"), "22P02 input is not valid JSON");
    EXPECT_EQ(verdict(std::string(100000, '[')), "22P02 input is not valid JSON");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": NaN)")), "22P02 input is not valid JSON");
    EXPECT_EQ(verdict(order_with_line("\"quantity\": 1, \"x\": \"\xff\"")),
              "22P02 input is not valid JSON");
}

TEST(OrderInput, IdsAreBoundedAndFreeOfControlCharacters) {
    EXPECT_EQ(
        verdict(
            R"({"tenantOrderId": "A\u0001", "orderLineItems": [{"tenantArticleId": "s", "quantity": 1}]})"),
        "22023 tenantOrderId must not contain control characters");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "id": "\n")")),
              "22023 orderLineItems[0].id must not contain control characters");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "bundleRef": "\u007f")")),
              "22023 orderLineItems[0].bundleRef must not contain control characters");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "id": ")" + std::string(1025, 'x') + "\"")),
              "22023 orderLineItems[0].id is longer than 1024 bytes");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "id": ")" + std::string(1024, 'x') + "\"")),
              "ok");
    EXPECT_EQ(verdict(order_with_line(R"("quantity": 1, "id": "Zürich 🚚")")), "ok");
}

TEST(OrderInput, TenThousandLinesKeepTheirOrderAndIds) {
    std::string text = R"({"tenantOrderId": "LONG", "orderLineItems": [)";
    for (int i = 0; i < 10000; ++i) {
        text += (i > 0 ? "," : "") + std::string(R"({"tenantArticleId": "sku-)") +
                std::to_string(i % 100) + R"(", "quantity": )" + std::to_string(1 + i % 3) + "}";
    }
    text += "]}";
    const OrderInput order = parse_order_input(text);
    ASSERT_EQ(order.lines.size(), 10000U);
    EXPECT_EQ(order.lines[9999].line_id, "10000");
    EXPECT_EQ(order.lines[9999].quantity, 1 + 9999 % 3);
}

TEST(LineQuantities, HostileInput) {
    const auto lines_verdict = [](const std::string& text) {
        try {
            return std::to_string(parse_line_quantities(text).size());
        } catch (const UserError& e) {
            return std::string(e.sqlstate()) + " " + e.what();
        }
    };
    EXPECT_EQ(lines_verdict(R"([{"lineId": "1", "quantity": 1e400}])"),
              "22023 lines[0].quantity is beyond int range");
    EXPECT_EQ(lines_verdict(R"([{"lineId": "1", "quantity": 1, "x": -1e400}])"), "1");
    EXPECT_EQ(lines_verdict(R"([{"lineId": "1", "quantity": 1}, {"lineId": "1", "quantity": 2}])"),
              "22023 lines[1].lineId duplicates line id \"1\"");
    EXPECT_EQ(lines_verdict("[" + std::string(100000, '[')), "22P02 input is not valid JSON");
}

}  // namespace
}  // namespace waitroom::core
