// Structured logging: one JSON object per line on stderr, so that stdout stays the event sink.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace waitroomd::log {

void set_verbose(bool verbose);
bool verbose();

// {"ts": "...", "level": "...", "action": "...", ...fields}
void write(const char* level, const std::string& action, nlohmann::json fields = {});

inline void info(const std::string& action, nlohmann::json fields = {}) {
    write("info", action, std::move(fields));
}
inline void warn(const std::string& action, nlohmann::json fields = {}) {
    write("warn", action, std::move(fields));
}
inline void error(const std::string& action, nlohmann::json fields = {}) {
    write("error", action, std::move(fields));
}
inline void debug(const std::string& action, nlohmann::json fields = {}) {
    if (verbose()) write("debug", action, std::move(fields));
}

}  // namespace waitroomd::log
