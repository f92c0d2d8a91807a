// libFuzzer target: parse_order_input and parse_line_quantities over arbitrary bytes. Either
// the input parses into an order that keeps SPEC §2's rules, or it is rejected with a UserError
// carrying 22P02 or 22023 (SPEC §6). Anything else (another exception, a crash, a sanitizer
// report) is a finding.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "errors.hpp"
#include "order_input.hpp"
#include "sqlstates.hpp"

namespace {

using waitroom::fuzz::finding;

void check_rejection(const waitroom::core::UserError& e) {
    const std::string code = e.sqlstate();
    if (!waitroom::fuzz::documented_sqlstate(code) || (code != "22P02" && code != "22023"))
        finding("input parsing raised " + code + ": " + e.what());
    if (std::string(e.what()).empty()) finding("a rejection without a message");
}

void check_id(const std::string& id) {
    if (id.empty() || id.size() > 1024) finding("an accepted id of " + std::to_string(id.size()));
    for (const char c : id)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            finding("an accepted id holds a control character");
}

void check_order(const waitroom::core::OrderInput& order) {
    check_id(order.tenant_order_id);
    if (order.lines.empty()) finding("an order without lines");
    std::set<std::string> ids;
    for (const auto& line : order.lines) {
        check_id(line.line_id);
        check_id(line.article);
        if (line.bundle_ref && !line.bundle_ref->empty()) check_id(*line.bundle_ref);
        if (line.quantity < 1 || line.quantity > INT_MAX) finding("a quantity beyond int");
        if (!ids.insert(line.line_id).second) finding("a duplicate line id accepted");
    }
    if (order.consumer) {
        const auto& c = *order.consumer;
        if (!(c.lat >= -90 && c.lat <= 90 && c.lon >= -180 && c.lon <= 180))
            finding("consumer coordinates out of range accepted");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        check_order(waitroom::core::parse_order_input(text));
    } catch (const waitroom::core::UserError& e) {
        check_rejection(e);
    }
    try {
        std::set<std::string> ids;
        for (const auto& line : waitroom::core::parse_line_quantities(text)) {
            if (line.quantity < 1 || line.quantity > INT_MAX)
                finding("a lines quantity beyond int");
            if (!ids.insert(line.line_id).second) finding("a duplicate lineId accepted");
        }
    } catch (const waitroom::core::UserError& e) {
        check_rejection(e);
    }
    return 0;
}
