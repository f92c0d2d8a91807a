#include "log.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace waitroomd::log {
namespace {

std::atomic<bool> verbose_flag{false};
std::mutex write_mutex;  // the health server thread logs too

std::string utc_now() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t secs = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    return buf.data();
}

}  // namespace

void set_verbose(bool verbose) { verbose_flag = verbose; }
bool verbose() { return verbose_flag; }

void write(const char* level, const std::string& action, nlohmann::json fields) {
    // ts, level and action first, then the fields: easy to read with eyes and with jq.
    nlohmann::ordered_json line = {{"ts", utc_now()}, {"level", level}, {"action", action}};
    if (fields.is_object()) {
        for (const auto& [key, value] : fields.items()) line[key] = value;
    }
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(write_mutex);
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace waitroomd::log
