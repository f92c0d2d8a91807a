// A repeating deadline on the monotonic clock, for the daemon's periodic jobs.
#pragma once

#include <algorithm>
#include <chrono>

namespace waitroomd {

class Timer {
public:
    using Clock = std::chrono::steady_clock;

    // interval <= 0 disables the timer. The first run is due at once.
    explicit Timer(double interval_seconds) : interval_(interval_seconds), next_(Clock::now()) {}

    bool enabled() const { return interval_ > 0; }
    bool due() const { return enabled() && Clock::now() >= next_; }
    void restart() { next_ = Clock::now() + to_duration(interval_); }
    // Due within `seconds` at the latest (a wake-up asks for the work before its time; the
    // delay keeps a burst of wake-ups from turning into a busy loop).
    void expire_within(double seconds) {
        next_ = std::min(next_, Clock::now() + to_duration(seconds));
    }
    // The instant `seconds` from now, and the seconds until an instant (0 once past): for
    // deadlines kept outside a Timer (retries, reconnects).
    static Clock::time_point after(double seconds) { return Clock::now() + to_duration(seconds); }
    static double seconds_until(Clock::time_point at) {
        return std::max(0.0, std::chrono::duration<double>(at - Clock::now()).count());
    }
    // Seconds until due (0 when due; a large number when disabled).
    double remaining() const {
        if (!enabled()) return 1e9;
        return std::max(0.0, std::chrono::duration<double>(next_ - Clock::now()).count());
    }

private:
    static Clock::duration to_duration(double seconds) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    }
    double interval_;
    Clock::time_point next_;
};

}  // namespace waitroomd
