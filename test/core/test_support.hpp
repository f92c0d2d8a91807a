// Helpers for the core tests: building requests tersely and describing decisions as strings
// that tests compare exactly.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "router.hpp"

namespace waitroom::core::testing {

inline constexpr Timestamp kNow = 1'800'000'000'000'000;  // 2027-01-15, microseconds
inline constexpr Timestamp kHour = 3'600'000'000;

inline const Location kBerlin{52.52, 13.40};
inline const Location kPotsdam{52.39, 13.06};  // ~27 km from Berlin
inline const Location kHamburg{53.55, 9.99};   // ~255 km
inline const Location kMunich{48.14, 11.58};   // ~504 km

inline Facility facility(std::string ref, std::optional<Location> location = std::nullopt,
                         FacilityStatus status = FacilityStatus::Online) {
    Facility f;
    f.ref = std::move(ref);
    f.location = location;
    f.status = status;
    return f;
}

inline Offer offer(std::string facility_ref, std::string article, std::int64_t on_hand,
                   OutOfStockBehaviour behaviour = OutOfStockBehaviour::None,
                   std::int64_t reserved = 0) {
    Offer o;
    o.facility_ref = std::move(facility_ref);
    o.article = std::move(article);
    o.on_hand = on_hand;
    o.reserved = reserved;
    o.behaviour = behaviour;
    if (behaviour == OutOfStockBehaviour::Preorder) {
        o.preorder_available_from = kNow + kHour;  // not yet released
    }
    return o;
}

inline Offer backorder(std::string facility_ref, std::string article, std::int64_t on_hand = 0) {
    return offer(std::move(facility_ref), std::move(article), on_hand,
                 OutOfStockBehaviour::Backorder);
}

inline Offer preorder(std::string facility_ref, std::string article, std::int64_t on_hand,
                      Timestamp available_from) {
    Offer o =
        offer(std::move(facility_ref), std::move(article), on_hand, OutOfStockBehaviour::Preorder);
    o.preorder_available_from = available_from;
    return o;
}

inline Line line(std::string id, std::string article, std::int64_t quantity,
                 std::optional<std::string> bundle = std::nullopt) {
    Line l;
    l.line_id = std::move(id);
    l.article = std::move(article);
    l.quantity = quantity;
    l.bundle_ref = std::move(bundle);
    return l;
}

// Default strategy of SPEC §1: fence active + reactive (waiting room on), split on, cap 3.
inline RoutingRequest request() {
    RoutingRequest r;
    r.now = kNow;
    return r;
}

inline Strategy waiting_room_off() {
    Strategy s;
    s.complete_stock_fence_active = false;
    s.use_waiting_room_for_pre_back_order_items = false;
    return s;
}

inline Strategy split_off() {
    Strategy s;
    s.order_split_active = false;
    return s;
}

// "R:berlin{1=2,2=1/1,3=2*} W{4=1} N{5=2}": status, facility, then line=quantity with
// /short when short > 0 and * when beyond_stock.
inline std::string describe(const RoutingDecision& d) {
    std::ostringstream out;
    for (std::size_t i = 0; i < d.parts.size(); ++i) {
        const PlannedPart& p = d.parts[i];
        if (i > 0) {
            out << ' ';
        }
        switch (p.status) {
            case PlanStatus::Routed:
                out << "R:" << p.facility_ref.value_or("?");
                break;
            case PlanStatus::Waiting:
                out << 'W' << (p.facility_ref ? "!" : "");
                break;
            case PlanStatus::NotRoutable:
                out << 'N' << (p.facility_ref ? "!" : "");
                break;
            case PlanStatus::Cancelled:
                out << 'C';
                break;
        }
        out << '{';
        for (std::size_t j = 0; j < p.lines.size(); ++j) {
            const PlannedLine& l = p.lines[j];
            out << (j > 0 ? "," : "") << l.line_id << '=' << l.quantity;
            if (l.short_quantity != 0) {
                out << '/' << l.short_quantity;
            }
            if (l.beyond_stock) {
                out << '*';
            }
        }
        out << '}';
    }
    return out.str();
}

// describe() plus the rule and the articles: for exact equality of two decisions.
inline std::string fingerprint(const RoutingDecision& d) {
    std::ostringstream out;
    out << describe(d) << " rule=" << d.rule << " articles=";
    for (const PlannedPart& p : d.parts) {
        for (const PlannedLine& l : p.lines) {
            out << l.article << ';';
        }
    }
    return out.str();
}

}  // namespace waitroom::core::testing
