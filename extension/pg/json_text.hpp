// JSON text written straight into a string: the event payloads of a pass that serves
// thousands of plans, without building a document tree per event first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace waitroom::pg {

class JsonText {
public:
    JsonText& begin_object() { return open('{'); }
    JsonText& end_object() { return close('}'); }
    JsonText& begin_array() { return open('['); }
    JsonText& end_array() { return close(']'); }

    JsonText& key(const char* name) {
        separate();
        quoted(name);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    JsonText& value(const std::string& s) {
        separate();
        quoted(s);
        return *this;
    }
    JsonText& value(const char* s) { return value(std::string(s)); }
    JsonText& value(std::int64_t n) {
        separate();
        out_ += std::to_string(n);
        return *this;
    }
    JsonText& value(const std::optional<std::string>& s) { return s ? value(*s) : null(); }
    JsonText& null() {
        separate();
        out_ += "null";
        return *this;
    }
    [[nodiscard]] const std::string& text() const { return out_; }

private:
    JsonText& open(char c) {
        separate();
        out_ += c;
        first_ = true;
        return *this;
    }
    JsonText& close(char c) {
        out_ += c;
        first_ = false;
        return *this;
    }
    // A comma before every member or element but the first; none right after a key.
    void separate() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_ && !out_.empty()) out_ += ',';
        first_ = false;
    }
    void quoted(const std::string& s) {
        out_ += '"';
        for (const char c : s) {
            switch (c) {
                case '"':
                    out_ += "\\\"";
                    break;
                case '\\':
                    out_ += "\\\\";
                    break;
                case '\n':
                    out_ += "\\n";
                    break;
                case '\r':
                    out_ += "\\r";
                    break;
                case '\t':
                    out_ += "\\t";
                    break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        const char* hex = "0123456789abcdef";
                        out_ += "\\u00";
                        out_ += hex[(c >> 4) & 0xF];
                        out_ += hex[c & 0xF];
                    } else {
                        out_ += c;
                    }
            }
        }
        out_ += '"';
    }

    std::string out_;
    bool first_ = true;
    bool after_key_ = false;
};

}  // namespace waitroom::pg
