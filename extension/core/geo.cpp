// Great-circle distance (haversine), used as the facility penalty of SPEC §3.
#include "cpp_only.hpp"

#include <algorithm>
#include <cmath>

#include "router.hpp"

namespace waitroom::core {

double distance_km(const Location& a, const Location& b) {
    constexpr double kEarthRadiusKm = 6371.0;
    constexpr double kPi = 3.14159265358979323846;
    constexpr double kRad = kPi / 180.0;
    const double lat1 = a.lat * kRad;
    const double lat2 = b.lat * kRad;
    const double dlat = (b.lat - a.lat) * kRad;
    const double dlon = (b.lon - a.lon) * kRad;
    const double s1 = std::sin(dlat / 2);
    const double s2 = std::sin(dlon / 2);
    const double h = s1 * s1 + std::cos(lat1) * std::cos(lat2) * s2 * s2;
    return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace waitroom::core
