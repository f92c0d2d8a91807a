// Jittered exponential backoff, for webhook retries and database reconnects alike.
#pragma once

#include <random>

namespace waitroomd {

class Backoff {
public:
    Backoff(double base_seconds, double max_seconds);
    // Delay before retry number `attempt` (1 = first retry): min(max, base * 2^(attempt-1)),
    // of which a random half is kept ("equal jitter"), so that many clients spread out.
    double delay(int attempt);

private:
    double base_;
    double max_;
    std::mt19937_64 rng_;
};

}  // namespace waitroomd
