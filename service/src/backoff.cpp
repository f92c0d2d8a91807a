#include "backoff.hpp"

#include <algorithm>
#include <cmath>

namespace waitroomd {

Backoff::Backoff(double base_seconds, double max_seconds)
    : base_(base_seconds), max_(max_seconds), rng_(std::random_device{}()) {}

double Backoff::delay(int attempt) {
    const int exponent = std::clamp(attempt - 1, 0, 40);
    const double ceiling = std::min(max_, base_ * std::pow(2.0, exponent));
    std::uniform_real_distribution<double> half(0.0, ceiling / 2);
    return ceiling / 2 + half(rng_);
}

}  // namespace waitroomd
