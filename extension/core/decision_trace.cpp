// The trace of a routing decision (decision_trace.hpp): read off the model the router decided
// with (candidacy, availability, budget, rule 1's test), never a second evaluation.
#include "cpp_only.hpp"

#include "decision_trace.hpp"

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "router.hpp"
#include "router_model.hpp"

namespace waitroom::core {
namespace {

using detail::Model;

std::size_t index_in(const std::vector<std::string>& sorted, const std::string& name) {
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), name);
    return it != sorted.end() && *it == name ? static_cast<std::size_t>(it - sorted.begin())
                                             : sorted.size();
}

OfferCheck check_of(const FacilityTrace& facility, const OfferTrace& offer, const Offer* source,
                    const detail::Cell& cell, Timestamp now) {
    if (facility.status != FacilityStatus::Online) {
        return OfferCheck::FacilityNotOnline;
    }
    if (!offer.has_listing) {
        return OfferCheck::NoListing;
    }
    if (offer.listing_status != ListingStatus::Active) {
        return OfferCheck::ListingInactive;
    }
    if (source != nullptr && preorder_pending(*source, now)) {
        return OfferCheck::PreorderNotReleased;
    }
    return detail::covers(cell, offer.needed) ? OfferCheck::Ok : OfferCheck::StockShort;
}

// Why the decision went as it did, in the words of SPEC §3 (decision.rule names the branch).
std::string why_of(const RoutingDecision& d, const DecisionTrace& t) {
    std::string routed;
    for (const PlannedPart& part : d.parts) {
        if (part.status == PlanStatus::Routed && part.facility_ref) {
            routed += (routed.empty() ? "" : ", ") + *part.facility_ref;
        }
    }
    const std::string cap = std::to_string(t.max_split_count);
    if (d.rule == "complete-stock single facility") {
        std::string complete;
        std::size_t count = 0;
        for (const FacilityTrace& f : t.facilities) {
            if (f.complete) {
                complete += (complete.empty() ? "" : ", ") + f.ref;
                ++count;
            }
        }
        // Named while the log keeps them all (logged_facilities ranks complete ones first),
        // else counted: the why must not grow with the network either.
        const std::size_t kept = 1 + kLoggedOtherFacilities;
        return "rule 1: " + routed +
               " has complete stock for every line; lowest penalty (then facility_ref) of the " +
               (count <= kept ? "facilities with complete stock: " + complete
                              : std::to_string(count) +
                                    " facilities with complete stock (the log keeps the " +
                                    std::to_string(kept) + " of lowest penalty)");
    }
    std::string split = "rule 2: no single facility has complete stock; split into " +
                        std::to_string(t.routed_plans) + " routed plan(s) of at most " + cap +
                        " (" + routed +
                        "): the most units served in full, then the fewest plans, then "
                        "the lowest summed penalty";
    if (d.rule == "split") {
        return split;
    }
    if (d.rule == "split with waiting room") {
        return split + "; the pre/backorderable rest waits (waiting room on)";
    }
    if (d.rule == "split with short pick") {
        return (t.routed_plans == 1 && d.parts.size() == 1
                    ? "rule 2: no facility serves a unit in full; " + routed +
                          " has the most of it and short-picks the rest"
                    : split + "; the rest is short-picked in a routed plan");
    }
    if (d.rule == "waiting room: whole order waits") {
        return "rule 2: no facility serves a unit in full and the lines are pre/backorderable: "
               "they wait (waiting room on)";
    }
    if (d.rule == "no split: whole order waits") {
        return "rule 3: split off and a unit no facility serves in full is pre/backorderable: "
               "the whole order waits (waiting room on)";
    }
    if (d.rule == "no split: short pick") {
        return "rule 3: split off, no single facility has complete stock: " + routed +
               " serves the most units in full, then the most quantity, then the lowest "
               "penalty; the rest is short-picked";
    }
    if (d.rule == "waiting room off: backorder reservation") {
        return "rule 4: waiting room off: pre/backorderable lines are reserved beyond stock at a "
               "BACKORDER/PREORDER listing (" +
               routed + ")";
    }
    if (d.rule == "not routable") {
        return "rule 5: no facility has any of it available and nothing is pre/backorderable: "
               "NOT_ROUTABLE";
    }
    return d.rule;
}

}  // namespace

DecisionTrace detail::trace_of(const Model& model, const RoutingDecision& decision) {
    const RoutingRequest& request = *model.request;
    const std::size_t nf = model.facility_count();
    const std::size_t na = model.article_count();
    DecisionTrace t;
    t.strategy = request.strategy;
    t.now = request.now;
    t.max_split_count = request.strategy.max_split_count;

    std::vector<const Offer*> offer_at(nf * na, nullptr);
    for (const Offer& offer : request.offers) {
        const std::size_t f = index_in(model.facility_refs, offer.facility_ref);
        const std::size_t a = index_in(model.articles, offer.article);
        if (f < nf && a < na) {
            offer_at[f * na + a] = &offer;
        }
    }
    std::vector<const Facility*> facility_at(nf, nullptr);
    for (const Facility& facility : request.facilities) {
        facility_at[index_in(model.facility_refs, facility.ref)] = &facility;
    }
    std::set<std::string> chosen;
    for (const PlannedPart& part : decision.parts) {
        if (part.status == PlanStatus::Routed && part.facility_ref) {
            chosen.insert(*part.facility_ref);
            ++t.routed_plans;
        }
    }

    const std::vector<std::int64_t> demand = plan_demand(model);
    std::vector<std::int64_t> best(na, 0);  // per article: the most one candidate has
    std::vector<char> pending(na, 0);       // per article: a candidate's pre-order is pending
    for (std::size_t a = 0; a < na; ++a) {
        ArticleTrace& article = t.articles.emplace_back();
        article.article = model.articles[a];
        article.needed = demand[a];
        for (std::size_t f = 0; f < nf; ++f) {
            article.available_total += model.cell(f, a).available;
        }
        const auto held = request.held_back.find(article.article);
        article.held_back =
            held == request.held_back.end() ? 0 : std::max<std::int64_t>(held->second, 0);
        article.usable = model.budget[a];
    }
    for (std::size_t f = 0; f < nf; ++f) {
        FacilityTrace& facility = t.facilities.emplace_back();
        facility.ref = model.facility_refs[f];
        facility.penalty = model.penalty[f];
        if (const Facility* source = facility_at[f]) {
            facility.status = source->status;
            if (request.consumer && source->location) {
                facility.distance_km = distance_km(*request.consumer, *source->location);
            }
        }
        facility.complete = true;
        for (std::size_t a = 0; a < na; ++a) {
            const Offer* source = offer_at[f * na + a];
            const Cell& cell = model.cell(f, a);
            OfferTrace& offer = facility.articles.emplace_back();
            offer.article = model.articles[a];
            offer.needed = demand[a];
            offer.candidate = cell.candidate;
            offer.available = cell.available;
            if (source != nullptr) {
                offer.has_listing = source->has_listing;
                offer.listing_status = source->listing_status;
                offer.behaviour = source->behaviour;
                offer.preorder_available_from = source->preorder_available_from;
                offer.on_hand = source->on_hand;
                offer.reserved = source->reserved;
            }
            offer.check = check_of(facility, offer, source, cell, request.now);
            facility.complete = facility.complete && offer.check == OfferCheck::Ok;
            if (cell.candidate) {
                best[a] = std::max(best[a], cell.available);
                if (source != nullptr && preorder_pending(*source, request.now)) {
                    pending[a] = 1;
                }
            }
        }
        facility.chosen = chosen.count(facility.ref) != 0;
    }

    bool left_over = false;
    for (const PlannedPart& part : decision.parts) {
        left_over = left_over || part.status != PlanStatus::Routed ||
                    std::any_of(part.lines.begin(), part.lines.end(),
                                [](const PlannedLine& l) { return l.short_quantity > 0; });
    }
    const auto cap = static_cast<std::size_t>(std::max(request.strategy.max_split_count, 1));
    t.split_cap_reached = request.strategy.order_split_active && t.routed_plans >= cap && left_over;

    for (const PlannedPart& part : decision.parts) {
        if (part.status != PlanStatus::Waiting) {
            continue;
        }
        for (const PlannedLine& line : part.lines) {
            const std::size_t a = index_in(model.articles, line.article);
            const Line* source = nullptr;
            for (const Line& l : request.lines) {
                if (l.line_id == line.line_id) {
                    source = &l;
                }
            }
            WaitingReason reason = WaitingReason::WaitingForOtherItems;
            if (a < na && best[a] < line.quantity) {
                reason = pending[a] != 0 ? WaitingReason::PreorderNotReleased
                                         : WaitingReason::BackorderNoStock;
            } else if (a < na && model.budget[a] < line.quantity) {
                reason = WaitingReason::QueuedBehindEarlierOrders;
            } else if (source != nullptr && source->bundle_ref) {
                reason = WaitingReason::BundleIncomplete;
            } else if (t.split_cap_reached) {
                reason = WaitingReason::SplitCapReached;
            }
            t.waiting[line.line_id] = reason;
        }
    }
    t.why = why_of(decision, t);
    return t;
}

namespace {

// What one facility offers the plan, in the router's order of preference (larger is better
// but for penalty and ref).
struct Standing {
    bool complete = false;
    std::size_t served_in_full = 0;
    std::int64_t quantity = 0;  // per article at most what the plan needs
};

Standing standing_of(const FacilityTrace& f) {
    Standing s{f.complete, 0, 0};
    for (const OfferTrace& o : f.articles) {
        s.served_in_full += o.check == OfferCheck::Ok ? 1 : 0;
        s.quantity += std::min(o.available, o.needed);
    }
    return s;
}

}  // namespace

LoggedFacilities logged_facilities(const DecisionTrace& trace, std::size_t others) {
    const std::vector<FacilityTrace>& fs = trace.facilities;
    std::vector<Standing> standing;
    standing.reserve(fs.size());
    for (const FacilityTrace& f : fs) {
        standing.push_back(standing_of(f));
    }
    std::vector<std::size_t> candidates;  // not chosen: ranked for the remaining places
    LoggedFacilities out;
    for (std::size_t i = 0; i < fs.size(); ++i) {
        (fs[i].chosen ? out.kept : candidates).push_back(i);
    }
    const auto better = [&](std::size_t x, std::size_t y) {
        const Standing& a = standing[x];
        const Standing& b = standing[y];
        if (a.complete != b.complete) return a.complete;
        if (a.served_in_full != b.served_in_full) return a.served_in_full > b.served_in_full;
        if (a.quantity != b.quantity) return a.quantity > b.quantity;
        if (fs[x].penalty != fs[y].penalty) return fs[x].penalty < fs[y].penalty;
        return fs[x].ref < fs[y].ref;
    };
    const std::size_t keep = std::min(others, candidates.size());
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      candidates.end(), better);
    out.kept.insert(out.kept.end(), candidates.begin(),
                    candidates.begin() + static_cast<std::ptrdiff_t>(keep));
    std::sort(out.kept.begin(), out.kept.end());

    out.omitted = candidates.size() - keep;
    out.omitted_articles.resize(trace.articles.size());
    for (std::size_t k = keep; k < candidates.size(); ++k) {
        const FacilityTrace& f = fs[candidates[k]];
        for (std::size_t a = 0; a < f.articles.size() && a < out.omitted_articles.size(); ++a) {
            const OfferTrace& o = f.articles[a];
            OmittedArticle& summary = out.omitted_articles[a];
            ++summary.by_check[o.check];
            if (o.check == OfferCheck::StockShort) {
                summary.short_max_available =
                    std::max(summary.short_max_available.value_or(0), o.available);
            }
        }
    }
    return out;
}

const char* check_name(OfferCheck check) {
    switch (check) {
        case OfferCheck::Ok:
            return "OK";
        case OfferCheck::FacilityNotOnline:
            return "FACILITY_NOT_ONLINE";
        case OfferCheck::NoListing:
            return "NO_LISTING";
        case OfferCheck::ListingInactive:
            return "LISTING_INACTIVE";
        case OfferCheck::PreorderNotReleased:
            return "PREORDER_NOT_RELEASED";
        case OfferCheck::StockShort:
            return "STOCK_SHORT";
    }
    return "OK";
}

const char* reason_name(WaitingReason reason) {
    switch (reason) {
        case WaitingReason::BackorderNoStock:
            return "BACKORDER_NO_STOCK";
        case WaitingReason::PreorderNotReleased:
            return "PREORDER_NOT_RELEASED";
        case WaitingReason::QueuedBehindEarlierOrders:
            return "QUEUED_BEHIND_EARLIER_ORDERS";
        case WaitingReason::BundleIncomplete:
            return "BUNDLE_INCOMPLETE";
        case WaitingReason::SplitCapReached:
            return "SPLIT_CAP_REACHED";
        case WaitingReason::WaitingForOtherItems:
            return "WAITING_FOR_OTHER_ITEMS";
    }
    return "WAITING_FOR_OTHER_ITEMS";
}

}  // namespace waitroom::core
