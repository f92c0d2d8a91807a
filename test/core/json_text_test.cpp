// JsonText (extension/pg/json_text.hpp) writes the event payloads by hand: it must give the
// JSON a parser reads back as the same document, whatever the strings hold.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../../extension/pg/json_text.hpp"

namespace {

using nlohmann::json;
using waitroom::pg::JsonText;

TEST(JsonText, NestedObjectsAndArraysHaveTheirCommas) {
    JsonText out;
    out.begin_object()
        .key("a")
        .value(std::string("x"))
        .key("n")
        .value(std::int64_t{-7})
        .key("none")
        .null()
        .key("list")
        .begin_array();
    for (int i = 0; i < 3; ++i)
        out.begin_object()
            .key("i")
            .value(std::int64_t{i})
            .key("e")
            .begin_array()
            .end_array()
            .end_object();
    out.end_array().key("empty").begin_object().end_object().end_object();
    EXPECT_EQ(json::parse(out.text()), json::parse(R"({"a": "x", "n": -7, "none": null,
                              "list": [{"i": 0, "e": []}, {"i": 1, "e": []}, {"i": 2, "e": []}],
                              "empty": {}})"));
}

TEST(JsonText, StringsAreEscaped) {
    const std::string nasty = std::string("q\"b\\n\nr\rt\tc") + '\x01' + '\x1f' + "ü€";
    JsonText out;
    out.begin_object().key("k\"ey").value(nasty).end_object();
    const json parsed = json::parse(out.text());
    EXPECT_EQ(parsed.at("k\"ey").get<std::string>(), nasty);
}

TEST(JsonText, OptionalStringsAreNullWhenUnset) {
    JsonText out;
    out.begin_array()
        .value(std::optional<std::string>("v"))
        .value(std::optional<std::string>())
        .end_array();
    EXPECT_EQ(json::parse(out.text()), json::parse(R"(["v", null])"));
}

}  // namespace
