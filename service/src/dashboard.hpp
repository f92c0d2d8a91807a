// The read-only dashboard on the HTTP port: the page (dashboard_page.cpp) and the JSON it
// polls, read from the database over a session of its own, never the dispatcher's.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "metrics.hpp"
#include "pg_connection.hpp"

namespace waitroomd {

class Dashboard {
public:
    Dashboard(const std::string& conninfo, const Metrics& metrics);

    // What /dashboard.json serves. Callable from any HTTP worker: one refresh at a time, and
    // at most one database round per kRefreshEvery whatever the number of open pages. Never
    // throws: an unreachable database gives "database": {"connected": false, "error": …}.
    nlohmann::json snapshot();

private:
    using Clock = std::chrono::steady_clock;
    void refresh();
    void connect();
    // Each part in a read-only transaction of its own, so that a part that times out does not
    // take the others with it.
    nlohmann::json read_now();     // waitroom.dashboard_summary(): counts, oldest waits, outbox
    nlohmann::json read_queues();  // waitroom.dashboard_queues(), every kQueuesEvery

    std::timed_mutex mutex_;
    PgConnection db_;
    const Metrics& metrics_;
    nlohmann::json now_ = nlohmann::json::object();
    nlohmann::json queues_ = nlohmann::json::object();
    std::string error_;  // the latest database error; empty when the latest refresh worked
    Clock::time_point now_at_{};
    Clock::time_point queues_at_{};
};

// The page and its script and style, served as they are: data reaches the page only through
// /dashboard.json and the DOM's textContent, never as markup.
extern const char* const kDashboardHtml;
extern const char* const kDashboardJs;
extern const char* const kDashboardCss;

}  // namespace waitroomd
