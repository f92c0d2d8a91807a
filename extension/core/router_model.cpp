// Builds the router's model of a request: validation, candidates, availability, penalties,
// units and the STRICT_FIFO budget (SPEC §3 "Definitions", §4 STRICT_FIFO).
#include "cpp_only.hpp"

#include "router_model.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "router.hpp"

namespace waitroom::core::detail {
namespace {

void validate(const RoutingRequest& request) {
    if (request.lines.empty()) {
        throw RoutingError("routing request has no lines");
    }
    std::set<std::string> ids;
    for (const Line& line : request.lines) {
        if (line.quantity <= 0) {
            throw RoutingError("line " + line.line_id + ": quantity must be > 0");
        }
        if (!ids.insert(line.line_id).second) {
            throw RoutingError("duplicate line id " + line.line_id);
        }
    }
}

// Name -> index into a sorted, duplicate-free vector of names (which must outlive it).
class NameIndex {
public:
    explicit NameIndex(const std::vector<std::string>& sorted) : size_(sorted.size()) {
        index_.reserve(sorted.size());
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            index_.emplace(sorted[i], i);
        }
    }
    // The name's index, or the vector's size when unknown.
    [[nodiscard]] std::size_t operator()(const std::string& name) const {
        const auto it = index_.find(name);
        return it == index_.end() ? size_ : it->second;
    }

private:
    std::size_t size_;
    std::unordered_map<std::string_view, std::size_t> index_;
};

std::vector<Unit> build_units(const RoutingRequest& request, const Model& model) {
    std::vector<Unit> units;
    std::map<std::string, std::size_t> bundle_unit;
    for (std::size_t i = 0; i < request.lines.size(); ++i) {
        const Line& line = request.lines[i];
        std::size_t u = units.size();
        if (line.bundle_ref) {
            const auto [it, inserted] = bundle_unit.emplace(*line.bundle_ref, units.size());
            u = it->second;
            if (inserted) {
                units.emplace_back();
            }
        } else {
            units.emplace_back();
        }
        Unit& unit = units[u];
        unit.lines.push_back(i);
        unit.total_quantity += line.quantity;
        unit.pre_back = unit.pre_back || model.line_pre_back[i];
        const std::size_t a = model.line_article[i];
        auto d = std::find_if(unit.demand.begin(), unit.demand.end(),
                              [a](const Demand& x) { return x.article == a; });
        if (d == unit.demand.end()) {
            unit.demand.push_back(Demand{a, line.quantity});
        } else {
            d->quantity += line.quantity;
        }
    }
    for (Unit& unit : units) {
        std::sort(unit.demand.begin(), unit.demand.end(),
                  [](const Demand& x, const Demand& y) { return x.article < y.article; });
    }
    return units;
}

}  // namespace

Model build_model(const RoutingRequest& request) {
    validate(request);
    Model model;
    model.request = &request;

    for (const Facility& facility : request.facilities) {
        model.facility_refs.push_back(facility.ref);
    }
    std::sort(model.facility_refs.begin(), model.facility_refs.end());
    if (std::adjacent_find(model.facility_refs.begin(), model.facility_refs.end()) !=
        model.facility_refs.end()) {
        throw RoutingError("duplicate facility in routing request");
    }
    for (const Line& line : request.lines) {
        model.articles.push_back(line.article);
    }
    std::sort(model.articles.begin(), model.articles.end());
    model.articles.erase(std::unique(model.articles.begin(), model.articles.end()),
                         model.articles.end());

    const std::size_t nf = model.facility_count();
    const std::size_t na = model.article_count();
    const NameIndex facility_index(model.facility_refs);
    const NameIndex article_index(model.articles);
    std::vector<const Facility*> facility_by_index(nf, nullptr);
    for (const Facility& facility : request.facilities) {
        facility_by_index[facility_index(facility.ref)] = &facility;
    }

    model.penalty.assign(nf, 0.0);
    if (request.consumer) {
        for (std::size_t f = 0; f < nf; ++f) {
            const auto& location = facility_by_index[f]->location;
            model.penalty[f] =
                location ? distance_km(*request.consumer, *location) : kUnknownLocationPenalty;
        }
    }

    model.cells.assign(nf * na, Cell{});
    std::vector<bool> seen(nf * na, false);
    for (const Offer& offer : request.offers) {
        const std::size_t f = facility_index(offer.facility_ref);
        const std::size_t a = article_index(offer.article);
        if (f == nf || a == na) {
            continue;  // a facility or an article this request does not know
        }
        if (seen[f * na + a]) {
            throw RoutingError("duplicate offer for facility " + offer.facility_ref +
                               " and article " + offer.article);
        }
        seen[f * na + a] = true;
        const bool candidate = facility_by_index[f]->status == FacilityStatus::Online &&
                               offer.has_listing && offer.listing_status == ListingStatus::Active;
        if (!candidate) {
            continue;
        }
        Cell& cell = model.cells[f * na + a];
        cell.candidate = true;
        cell.pre_back = offer.behaviour == OutOfStockBehaviour::Backorder ||
                        offer.behaviour == OutOfStockBehaviour::Preorder;
        const bool unreleased = offer.behaviour == OutOfStockBehaviour::Preorder &&
                                offer.preorder_available_from &&
                                *offer.preorder_available_from > request.now;
        cell.available = unreleased ? 0 : std::max<std::int64_t>(offer.on_hand - offer.reserved, 0);
    }

    model.budget.assign(na, 0);
    std::vector<bool> article_pre_back(na, false);
    for (std::size_t a = 0; a < na; ++a) {
        std::int64_t total = 0;
        for (std::size_t f = 0; f < nf; ++f) {
            total += model.cell(f, a).available;
            article_pre_back[a] = article_pre_back[a] || model.cell(f, a).pre_back;
        }
        const auto held = request.held_back.find(model.articles[a]);
        const std::int64_t held_back =
            held == request.held_back.end() ? 0 : std::max<std::int64_t>(held->second, 0);
        model.budget[a] = std::max<std::int64_t>(total - held_back, 0);
    }

    model.line_article.reserve(request.lines.size());
    model.line_pre_back.reserve(request.lines.size());
    for (const Line& line : request.lines) {
        const std::size_t a = article_index(line.article);
        model.line_article.push_back(a);
        model.line_pre_back.push_back(article_pre_back[a]);
    }
    model.units = build_units(request, model);
    return model;
}

}  // namespace waitroom::core::detail
