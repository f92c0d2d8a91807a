// The invariants every routing decision keeps, whatever the request (SPEC §3): the test's own
// reading of the definitions, independent of router_model.cpp. Shared by the property tests
// and the router fuzzer (test/fuzz/), so it reports violations as text instead of through
// GoogleTest.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "domain.hpp"

namespace waitroom::core::testing {

struct Oracle {
    std::map<std::pair<std::string, std::string>, std::int64_t> available;  // candidates only
    std::set<std::pair<std::string, std::string>> candidate;
    std::set<std::pair<std::string, std::string>> pre_back;
    std::map<std::string, std::int64_t> budget;
    std::set<std::string> pre_back_article;
    std::set<std::string> online;

    explicit Oracle(const RoutingRequest& r) {
        for (const Facility& f : r.facilities) {
            if (f.status == FacilityStatus::Online) {
                online.insert(f.ref);
            }
        }
        std::map<std::string, std::int64_t> total;
        for (const Offer& o : r.offers) {
            if (online.count(o.facility_ref) == 0 || !o.has_listing ||
                o.listing_status != ListingStatus::Active) {
                continue;
            }
            const auto key = std::make_pair(o.facility_ref, o.article);
            candidate.insert(key);
            std::int64_t avail = std::max<std::int64_t>(0, o.on_hand - o.reserved);
            if (o.behaviour == OutOfStockBehaviour::Preorder && o.preorder_available_from &&
                *o.preorder_available_from > r.now) {
                avail = 0;
            }
            if (o.behaviour != OutOfStockBehaviour::None) {
                pre_back.insert(key);
                pre_back_article.insert(o.article);
            }
            available[key] = avail;
            total[o.article] += avail;
        }
        for (const Line& l : r.lines) {
            const auto held = r.held_back.find(l.article);
            budget[l.article] = std::max<std::int64_t>(
                0, total[l.article] - (held == r.held_back.end() ? 0 : held->second));
        }
    }
};

// Collects violations; `expect(ok) << "what"` adds one when ok is false.
class Violations {
public:
    class Entry {
    public:
        explicit Entry(std::vector<std::string>* sink) : sink_(sink) {}
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;
        Entry(Entry&&) = delete;
        Entry& operator=(Entry&&) = delete;
        ~Entry() {
            if (sink_ != nullptr) {
                sink_->push_back(text_.str());
            }
        }
        template <typename T>
        Entry& operator<<(const T& value) {
            if (sink_ != nullptr) {
                text_ << value;
            }
            return *this;
        }

    private:
        std::vector<std::string>* sink_;
        std::ostringstream text_;
    };

    Entry expect(bool ok) { return Entry(ok ? nullptr : &found_); }
    [[nodiscard]] const std::vector<std::string>& found() const { return found_; }

private:
    std::vector<std::string> found_;
};

// SPEC §3 rule 2: short units never get a plan of their own next to routed plans. With two or
// more routed plans, each serves at least one unit fully (or reserves it by rule 4: no line of
// it short); and no NOT_ROUTABLE part stands next to a routed one (short units join a routed
// plan instead). A unit is a line, or all lines of one bundle.
inline std::vector<std::string> short_pick_violations(const RoutingRequest& r,
                                                      const RoutingDecision& d) {
    Violations v;
    std::map<std::string, std::string> unit_of;  // line id -> unit key
    for (const Line& l : r.lines) {
        unit_of[l.line_id] = l.bundle_ref ? "bundle " + *l.bundle_ref : "line " + l.line_id;
    }
    std::size_t routed = 0;
    std::size_t short_only = 0;
    bool not_routable = false;
    for (const PlannedPart& part : d.parts) {
        if (part.status == PlanStatus::NotRoutable) {
            not_routable = true;
        }
        if (part.status != PlanStatus::Routed) {
            continue;
        }
        ++routed;
        std::map<std::string, bool> full;  // unit key -> no line of it short
        for (const PlannedLine& l : part.lines) {
            const auto [it, first] = full.emplace(unit_of[l.line_id], true);
            it->second = it->second && l.short_quantity == 0;
        }
        const bool serves_a_unit =
            std::any_of(full.begin(), full.end(), [](const auto& unit) { return unit.second; });
        if (!serves_a_unit) {
            ++short_only;
        }
    }
    v.expect(routed < 2 || short_only == 0)
        << short_only << " routed plan(s) of short units only next to other routed plans";
    v.expect(routed == 0 || !not_routable) << "a NOT_ROUTABLE part next to routed plans";
    return v.found();
}

// Empty when the decision keeps every invariant for this request.
inline std::vector<std::string> decision_violations(const RoutingRequest& r,
                                                    const RoutingDecision& d) {
    Violations v;
    const Oracle oracle(r);
    const Strategy& s = r.strategy;
    std::map<std::string, const Line*> lines;
    for (const Line& l : r.lines) {
        lines[l.line_id] = &l;
    }
    std::map<std::string, std::size_t> part_of_line;
    std::map<std::pair<std::string, std::string>, std::int64_t> reserved;  // non-beyond
    std::map<std::string, std::int64_t> used;                              // non-beyond
    std::size_t routed = 0;
    bool seen_waiting = false;
    bool seen_not_routable = false;
    for (std::size_t p = 0; p < d.parts.size(); ++p) {
        const PlannedPart& part = d.parts[p];
        if (part.lines.empty()) {
            v.expect(false) << "part " << p << " has no lines";
            return v.found();
        }
        switch (part.status) {
            case PlanStatus::Routed: {
                v.expect(!seen_waiting && !seen_not_routable) << "routed parts come first";
                if (!part.facility_ref) {
                    v.expect(false) << "routed part " << p << " without a facility";
                    return v.found();
                }
                v.expect(oracle.online.count(*part.facility_ref) == 1)
                    << "routed to " << *part.facility_ref << ", not online";
                ++routed;
                bool something = false;
                for (const PlannedLine& l : part.lines) {
                    const auto key = std::make_pair(*part.facility_ref, l.article);
                    v.expect(l.quantity >= 0) << "line " << l.line_id << " quantity < 0";
                    v.expect(l.short_quantity >= 0) << "line " << l.line_id << " short < 0";
                    something = something || l.quantity > 0;
                    if (l.quantity > 0) {
                        v.expect(oracle.candidate.count(key) == 1)
                            << "line " << l.line_id << " picked at a non-candidate";
                    }
                    if (l.beyond_stock) {
                        v.expect(!s.waiting_room_on()) << "beyond stock with waiting room on";
                        v.expect(oracle.pre_back.count(key) == 1)
                            << "beyond stock where the listing is not pre/backorderable";
                        v.expect(l.short_quantity == 0) << "beyond stock and short";
                    } else {
                        reserved[key] += l.quantity;
                        used[l.article] += l.quantity;
                    }
                }
                v.expect(something) << "routed part " << p << " picks nothing";
                break;
            }
            case PlanStatus::Waiting:
                v.expect(!seen_waiting && !seen_not_routable) << "waiting part out of order";
                seen_waiting = true;
                v.expect(s.waiting_room_on()) << "waiting part with the waiting room off";
                v.expect(!part.facility_ref.has_value()) << "waiting part with a facility";
                break;
            case PlanStatus::NotRoutable:
                v.expect(!seen_not_routable) << "two not-routable parts";
                seen_not_routable = true;
                v.expect(!part.facility_ref.has_value()) << "not-routable part with a facility";
                break;
            case PlanStatus::Cancelled:
                v.expect(false) << "cancelled part";
                break;
        }
        for (const PlannedLine& l : part.lines) {
            if (lines.count(l.line_id) != 1) {
                v.expect(false) << "unknown line " << l.line_id;
                return v.found();
            }
            const Line& source = *lines[l.line_id];
            v.expect(l.article == source.article) << "line " << l.line_id << " article changed";
            v.expect(part_of_line.emplace(l.line_id, p).second) << "line " << l.line_id << " twice";
            v.expect(l.quantity + l.short_quantity == source.quantity)
                << "line " << l.line_id << " quantity not conserved";
            if (part.status != PlanStatus::Routed) {
                v.expect(l.short_quantity == 0) << "line " << l.line_id << " short, not routed";
                v.expect(!l.beyond_stock) << "line " << l.line_id << " beyond stock, not routed";
            }
            if (part.status == PlanStatus::Waiting) {
                // Only pre/backorderable units wait (a bundle: any line of it).
                bool unit_pre_back = oracle.pre_back_article.count(source.article) > 0;
                for (const Line& other : r.lines) {
                    if (source.bundle_ref && other.bundle_ref == source.bundle_ref) {
                        unit_pre_back =
                            unit_pre_back || oracle.pre_back_article.count(other.article) > 0;
                    }
                }
                if (s.order_split_active) {
                    v.expect(unit_pre_back) << "line " << l.line_id << " waits";
                }
            }
        }
    }
    v.expect(part_of_line.size() == r.lines.size()) << "a line is missing";
    // Lines keep request order inside a part.
    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        position.emplace(r.lines[i].line_id, i);
    }
    for (const PlannedPart& part : d.parts) {
        for (std::size_t i = 1; i < part.lines.size(); ++i) {
            v.expect(position[part.lines[i - 1].line_id] < position[part.lines[i].line_id])
                << "lines out of request order";
        }
    }
    for (const auto& [key, quantity] : reserved) {
        const auto it = oracle.available.find(key);
        const std::int64_t available = it == oracle.available.end() ? 0 : it->second;
        v.expect(quantity <= available) << "oversell at " << key.first << "/" << key.second;
    }
    for (const auto& [article, quantity] : used) {
        v.expect(quantity <= oracle.budget.at(article)) << "STRICT_FIFO budget of " << article;
    }
    // Bundles are never split.
    std::map<std::string, std::size_t> part_of_bundle;
    for (const Line& l : r.lines) {
        if (l.bundle_ref) {
            const auto [it, first] = part_of_bundle.emplace(*l.bundle_ref, part_of_line[l.line_id]);
            v.expect(first || it->second == part_of_line[l.line_id]) << "bundle split";
        }
    }
    for (const std::string& violation : short_pick_violations(r, d)) {
        v.expect(false) << violation;
    }
    if (!s.order_split_active) {
        v.expect(d.parts.size() == 1) << "split off: one part";
    } else {  // rule 4's plans included
        v.expect(routed <= static_cast<std::size_t>(std::max(1, s.max_split_count)))
            << "more routed parts than max_split_count";
    }
    v.expect(!d.rule.empty()) << "no rule";
    return v.found();
}

}  // namespace waitroom::core::testing
