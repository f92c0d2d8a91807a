// Builds the router's model of a request: validation, candidates, availability, penalties,
// units and the STRICT_FIFO budget (SPEC §3 "Definitions", §4 STRICT_FIFO).
#include "cpp_only.hpp"

#include "router_model.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
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

// The first and the last `width` bytes of two strings of length n (width <= n) are equal.
template <typename Word>
bool same_ends(const char* x, const char* y, std::size_t n) {
    Word x0{};
    Word x1{};
    Word y0{};
    Word y1{};
    std::memcpy(&x0, x, sizeof(Word));
    std::memcpy(&x1, x + n - sizeof(Word), sizeof(Word));
    std::memcpy(&y0, y, sizeof(Word));
    std::memcpy(&y1, y + n - sizeof(Word), sizeof(Word));
    return x0 == y0 && x1 == y1;
}

// Equality of two names; names of 4 to 16 bytes (most refs and article ids) in word loads.
[[gnu::always_inline]] inline bool same_name(const std::string& x, const std::string& y) {
    const std::size_t n = x.size();
    if (n != y.size()) {
        return false;
    }
    if (n >= 8 && n <= 16) {
        return same_ends<std::uint64_t>(x.data(), y.data(), n);
    }
    if (n >= 4 && n < 8) {
        return same_ends<std::uint32_t>(x.data(), y.data(), n);
    }
    return x == y;
}

// Name -> index into a sorted, duplicate-free vector of names (which must outlive it). Names
// mostly come in runs or in ascending order (the glue reads offers by facility, then article),
// so the index guessed from the previous name (the same one, or the next) is tried before the
// hash table, which is built on the first miss.
class NameIndex {
public:
    explicit NameIndex(const std::vector<std::string>& sorted) : sorted_(sorted) {}

    // The name's index, or the vector's size when unknown.
    [[nodiscard, gnu::always_inline]] std::size_t operator()(const std::string& name) {
        const std::size_t guess = next_first_ ? next() : last_;
        if (guess < sorted_.size() && same_name(sorted_[guess], name)) {
            last_ = guess;
            return guess;
        }
        return miss(name);
    }

private:
    [[nodiscard]] std::size_t next() const { return last_ + 1 < sorted_.size() ? last_ + 1 : 0; }

    [[gnu::noinline]] std::size_t miss(const std::string& name) {
        const std::size_t size = sorted_.size();
        const std::size_t other = next_first_ ? last_ : next();
        if (other < size && same_name(sorted_[other], name)) {
            next_first_ = !next_first_;  // the other guess is the one that works now
            last_ = other;
            return other;
        }
        if (index_.empty()) {
            index_.reserve(size);
            for (std::size_t i = 0; i < size; ++i) {
                index_.emplace(sorted_[i], i);
            }
        }
        const auto it = index_.find(name);
        if (it == index_.end()) {
            return size;
        }
        last_ = it->second;
        return last_;
    }

    const std::vector<std::string>& sorted_;
    std::size_t last_ = 0;
    bool next_first_ = true;
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
    if (!std::is_sorted(model.facility_refs.begin(), model.facility_refs.end())) {
        std::sort(model.facility_refs.begin(), model.facility_refs.end());
    }
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
    NameIndex facility_index(model.facility_refs);
    NameIndex article_index(model.articles);
    std::vector<const Facility*> facility_by_index(nf, nullptr);
    for (const Facility& facility : request.facilities) {
        facility_by_index[facility_index(facility.ref)] = &facility;
    }

    std::vector<char> online(nf, 0);
    for (std::size_t f = 0; f < nf; ++f) {
        online[f] = facility_by_index[f]->status == FacilityStatus::Online ? 1 : 0;
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
    std::vector<std::int64_t> available_total(na, 0);  // per article, over all facilities
    std::vector<char> article_pre_back(na, 0);
    std::vector<char> seen(nf * na, 0);
    for (const Offer& offer : request.offers) {
        const std::size_t f = facility_index(offer.facility_ref);
        const std::size_t a = article_index(offer.article);
        if (f == nf || a == na) {
            continue;  // a facility or an article this request does not know
        }
        if (seen[f * na + a] != 0) {
            throw RoutingError("duplicate offer for facility " + offer.facility_ref +
                               " and article " + offer.article);
        }
        seen[f * na + a] = 1;
        const bool candidate =
            online[f] != 0 && offer.has_listing && offer.listing_status == ListingStatus::Active;
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
        available_total[a] += cell.available;
        if (cell.pre_back) {
            article_pre_back[a] = 1;
        }
    }

    model.budget.assign(na, 0);
    for (std::size_t a = 0; a < na; ++a) {
        const std::int64_t total = available_total[a];
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
        model.line_pre_back.push_back(article_pre_back[a] != 0);
    }
    model.units = build_units(request, model);
    return model;
}

}  // namespace waitroom::core::detail
