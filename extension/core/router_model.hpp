// The router's working model of one request (internal to extension/core): facilities and
// articles as dense indices (both sorted by name, so the input order of offers and facilities
// never matters), availability per facility and article, penalties, units and the STRICT_FIFO
// budget. SPEC §3 "Definitions".
#pragma once
#include "cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "domain.hpp"

namespace waitroom::core::detail {

// Penalty of a facility without a location when the consumer's location is known: larger than
// any distance on Earth, so it ranks after every known distance while sums stay comparable.
inline constexpr double kUnknownLocationPenalty = 1e6;

// One facility x one article.
struct Cell {
    bool candidate = false;      // facility ONLINE and an ACTIVE listing
    bool pre_back = false;       // candidate and the listing is BACKORDER or PREORDER
    std::int64_t available = 0;  // 0 unless candidate
};

struct Demand {
    std::size_t article = 0;
    std::int64_t quantity = 0;
};

// One line, or all lines sharing a bundle_ref.
struct Unit {
    std::vector<std::size_t> lines;  // request line indices, ascending
    std::vector<Demand> demand;      // summed per article, ascending by article
    std::int64_t total_quantity = 0;
    bool pre_back = false;  // some line of it is pre/backorderable
};

struct Model {
    const RoutingRequest* request = nullptr;
    std::vector<std::string> facility_refs;  // ascending; a facility's index is its rank
    std::vector<double> penalty;             // per facility
    std::vector<std::string> articles;       // ascending
    std::vector<std::size_t> line_article;   // per request line
    std::vector<bool> line_pre_back;         // per request line
    std::vector<Cell> cells;                 // facility-major: f * articles.size() + a
    std::vector<std::int64_t> budget;        // per article: what this decision may use in total
    std::vector<Unit> units;                 // in order of their first line

    [[nodiscard]] std::size_t facility_count() const { return facility_refs.size(); }
    [[nodiscard]] std::size_t article_count() const { return articles.size(); }
    [[nodiscard]] const Cell& cell(std::size_t f, std::size_t a) const {
        return cells[f * articles.size() + a];
    }
};

// Validates the request (throws RoutingError) and builds the model.
Model build_model(const RoutingRequest& request);

}  // namespace waitroom::core::detail
