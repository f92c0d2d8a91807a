#include "order_input.hpp"

#include <charconv>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "errors.hpp"

namespace waitroom::core {
namespace {

using nlohmann::json;

[[noreturn]] void reject(const std::string& field, const std::string& what) {
    throw UserError(sqlstate::kInvalidParameter, field + " " + what);
}

// The decimal exponent of a JSON number token's magnitude (1e400 -> 400, 0.001 -> -3, 0 -> 0),
// saturated far outside double's range. It tells whether an out-of-range token is too big.
long decimal_exponent(std::string_view token) {
    constexpr long kSaturated = 1L << 40;
    std::size_t i = token[0] == '-' ? 1 : 0;
    long integer_digits = 0, leading_fraction_zeros = 0;
    bool fraction = false, significant = false;
    for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
        const char c = token[i];
        if (c == '.') {
            fraction = true;
        } else if (!fraction && (significant || c != '0')) {
            significant = true;
            integer_digits = std::min(integer_digits + 1, kSaturated);
        } else if (fraction && !significant) {
            if (c != '0')
                significant = true;
            else
                leading_fraction_zeros = std::min(leading_fraction_zeros + 1, kSaturated);
        }
    }
    if (!significant) return 0;
    long exponent = integer_digits > 0 ? integer_digits - 1 : -(leading_fraction_zeros + 1);
    long e = 0, sign = 1;
    if (i < token.size()) ++i;  // 'e'
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) sign = token[i++] == '-' ? -1 : 1;
    for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i)
        e = std::min(e * 10 + (token[i] - '0'), kSaturated);
    return exponent + sign * e;
}

// jsonb takes numbers beyond double (1e400, up to 1e131071); nlohmann rejects them as malformed
// JSON. Every numeric field's range lies far inside double, so clamping them to +-DBL_MAX keeps
// each verdict (the field named as out of range, 22023) and unknown keys holding them stay
// ignored. Numbers below double's precision (1e-400) parse as 0 already. Linear, one pass.
std::string clamp_numbers_beyond_double(const std::string& text) {
    std::string out;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '"') {  // skip the string, escapes included
            for (++i; i < text.size() && text[i] != '"'; i += text[i] == '\\' ? 2 : 1) {
            }
            ++i;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9')) {
            ++i;
            continue;
        }
        double value = 0;
        const char* begin = text.data() + i;
        const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
        const std::size_t length = end == begin ? 1 : static_cast<std::size_t>(end - begin);
        if (ec == std::errc::result_out_of_range &&
            decimal_exponent(std::string_view(begin, length)) > 0) {
            out.append(text, copied, i - copied);
            out += c == '-' ? "-1.7976931348623157e308" : "1.7976931348623157e308";
            copied = i + length;
        }
        i += length;
    }
    if (copied == 0) return text;
    out.append(text, copied);
    return out;
}

json parse_json(const std::string& text) {
    json doc = json::parse(clamp_numbers_beyond_double(text), nullptr,
                           /*allow_exceptions=*/false);
    if (doc.is_discarded()) throw UserError(sqlstate::kInvalidText, "input is not valid JSON");
    return doc;
}

// Ids are keys of btree indexes (at most 2,704 bytes a row) and appear in logs and webhooks:
// bounded, and free of control characters, which no tenant id holds on purpose.
constexpr std::size_t kMaxIdBytes = 1024;

const std::string& checked_id(const std::string& value, const std::string& field) {
    if (value.size() > kMaxIdBytes)
        reject(field, "is longer than " + std::to_string(kMaxIdBytes) + " bytes");
    for (const char c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            reject(field, "must not contain control characters");
    return value;
}

std::string required_string(const json& obj, const char* key, const std::string& field) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) reject(field, "is required");
    if (!it->is_string()) reject(field, "must be a string");
    std::string value = it->get<std::string>();
    if (value.empty()) reject(field, "must not be empty");
    return value;
}

std::optional<std::string> optional_string(const json& obj, const char* key,
                                           const std::string& field) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) reject(field, "must be a string");
    return it->get<std::string>();
}

// An integer in [min, INT_MAX]; 2.0 counts as 2, but 2.5 and numbers beyond int do not.
std::int64_t integer_in_range(const json& value, std::int64_t min, const std::string& field) {
    std::int64_t n = 0;
    if (value.is_number_float()) {
        double d = value.get<double>();
        if (!(d >= INT_MIN && d <= INT_MAX)) reject(field, "is beyond int range");
        if (d != std::floor(d)) reject(field, "must be an integer");
        n = static_cast<std::int64_t>(d);
    } else if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT_MAX))
            reject(field, "is beyond int range");
        n = static_cast<std::int64_t>(value.get<std::uint64_t>());
    } else if (value.is_number_integer()) {
        n = value.get<std::int64_t>();
        if (n > INT_MAX || n < INT_MIN) reject(field, "is beyond int range");
    } else {
        reject(field, "must be an integer");
    }
    if (n < min) reject(field, min == 1 ? "must be greater than 0" : "is out of range");
    return n;
}

double coordinate(const json& obj, const char* key, double limit, const std::string& field) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) reject(field, "is required");
    if (!it->is_number()) reject(field, "must be a number");
    double v = it->get<double>();
    if (v < -limit || v > limit) reject(field, "is out of range");
    return v;
}

}  // namespace

OrderInput parse_order_input(const std::string& json_text) {
    json doc = parse_json(json_text);
    if (!doc.is_object()) reject("order", "must be a JSON object");

    OrderInput order;
    order.tenant_order_id =
        checked_id(required_string(doc, "tenantOrderId", "tenantOrderId"), "tenantOrderId");
    if (auto it = doc.find("tenantId"); it != doc.end() && !it->is_null()) {
        if (!it->is_string()) reject("tenantId", "must be a string");
        if (it->get<std::string>().empty()) reject("tenantId", "must not be empty");
        order.tenant_id = checked_id(it->get<std::string>(), "tenantId");
    }
    order.order_date = optional_string(doc, "orderDate", "orderDate");
    if (auto it = doc.find("priority"); it != doc.end() && !it->is_null())
        order.priority = static_cast<int>(integer_in_range(*it, INT_MIN, "priority"));

    if (auto it = doc.find("consumer"); it != doc.end() && !it->is_null()) {
        if (!it->is_object()) reject("consumer", "must be an object");
        bool has_lat = it->contains("lat") && !(*it)["lat"].is_null();
        bool has_lon = it->contains("lon") && !(*it)["lon"].is_null();
        if (has_lat || has_lon)
            order.consumer = Location{coordinate(*it, "lat", 90, "consumer.lat"),
                                      coordinate(*it, "lon", 180, "consumer.lon")};
    }

    auto items = doc.find("orderLineItems");
    if (items == doc.end() || items->is_null()) reject("orderLineItems", "is required");
    if (!items->is_array()) reject("orderLineItems", "must be an array");
    if (items->empty()) reject("orderLineItems", "must not be empty");

    std::set<std::string> seen;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const json& item = (*items)[i];
        std::string field = "orderLineItems[" + std::to_string(i) + "]";
        if (!item.is_object()) reject(field, "must be an object");
        Line line;
        line.line_id = optional_string(item, "id", field + ".id").value_or(std::to_string(i + 1));
        if (line.line_id.empty()) reject(field + ".id", "must not be empty");
        checked_id(line.line_id, field + ".id");
        line.article =
            checked_id(required_string(item, "tenantArticleId", field + ".tenantArticleId"),
                       field + ".tenantArticleId");
        auto qty = item.find("quantity");
        if (qty == item.end() || qty->is_null()) reject(field + ".quantity", "is required");
        line.quantity = integer_in_range(*qty, 1, field + ".quantity");
        line.bundle_ref = optional_string(item, "bundleRef", field + ".bundleRef");
        if (line.bundle_ref) checked_id(*line.bundle_ref, field + ".bundleRef");
        if (!seen.insert(line.line_id).second)
            reject(field + ".id", "duplicates line id \"" + line.line_id + "\"");
        order.lines.push_back(std::move(line));
    }
    return order;
}

std::vector<LineQuantity> parse_line_quantities(const std::string& json_text) {
    json doc = parse_json(json_text);
    if (!doc.is_array()) reject("lines", R"(must be an array of {"lineId", "quantity"})");
    if (doc.empty()) reject("lines", "must not be empty");
    std::vector<LineQuantity> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const json& item = doc[i];
        std::string field = "lines[" + std::to_string(i) + "]";
        if (!item.is_object()) reject(field, "must be an object");
        LineQuantity lq;
        lq.line_id = required_string(item, "lineId", field + ".lineId");
        auto qty = item.find("quantity");
        if (qty == item.end() || qty->is_null()) reject(field + ".quantity", "is required");
        lq.quantity = integer_in_range(*qty, 1, field + ".quantity");
        if (!seen.insert(lq.line_id).second)
            reject(field + ".lineId", "duplicates line id \"" + lq.line_id + "\"");
        out.push_back(std::move(lq));
    }
    return out;
}

}  // namespace waitroom::core
