// Benchmarks of route(): a typical order (3 lines, 10 facilities) and a large one
// (40 lines, 30 facilities), plus the exact split search up to its limit.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "router.hpp"

namespace {

using waitroom::core::Facility;
using waitroom::core::Line;
using waitroom::core::Location;
using waitroom::core::Offer;
using waitroom::core::RoutingRequest;

// Every facility lists every article; stock is random so that no single facility has all.
RoutingRequest make_request(int lines, int facilities, int stock_max, unsigned seed) {
    std::mt19937 rng(seed);
    RoutingRequest request;
    request.consumer = Location{52.52, 13.40};
    for (int f = 0; f < facilities; ++f) {
        Facility facility;
        facility.ref = "fc-" + std::to_string(f);
        facility.location = Location{47.0 + static_cast<double>(rng() % 800) / 100.0,
                                     6.0 + static_cast<double>(rng() % 900) / 100.0};
        request.facilities.push_back(facility);
    }
    for (int l = 0; l < lines; ++l) {
        Line line;
        line.line_id = std::to_string(l + 1);
        line.article = "sku-" + std::to_string(l);
        line.quantity = 1 + static_cast<int>(rng() % 3);
        request.lines.push_back(line);
        for (int f = 0; f < facilities; ++f) {
            Offer offer;
            offer.facility_ref = "fc-" + std::to_string(f);
            offer.article = line.article;
            offer.on_hand = static_cast<int>(rng() % (stock_max + 1));
            request.offers.push_back(offer);
        }
    }
    return request;
}

void BM_RouteTypical(benchmark::State& state) {
    const RoutingRequest request = make_request(3, 10, 3, 1);
    for (auto _ : state) {
        benchmark::DoNotOptimize(waitroom::core::route(request));
    }
}
BENCHMARK(BM_RouteTypical);

void BM_RouteLarge(benchmark::State& state) {
    const RoutingRequest request = make_request(40, 30, 3, 2);
    for (auto _ : state) {
        benchmark::DoNotOptimize(waitroom::core::route(request));
    }
}
BENCHMARK(BM_RouteLarge);

// 10 units, 30 facilities, cap 3, scarce stock: the exact split search.
void BM_RouteExactSplit10x30(benchmark::State& state) {
    const RoutingRequest request = make_request(10, 30, 2, 3);
    for (auto _ : state) {
        benchmark::DoNotOptimize(waitroom::core::route(request));
    }
}
BENCHMARK(BM_RouteExactSplit10x30);

// 12 units, 30 facilities, cap 3, scarce stock: the exact split search at its limit
// (kExactSplitMaxUnits).
void BM_RouteExactSplit12x30(benchmark::State& state) {
    const RoutingRequest request = make_request(12, 30, 2, 3);
    for (auto _ : state) {
        benchmark::DoNotOptimize(waitroom::core::route(request));
    }
}
BENCHMARK(BM_RouteExactSplit12x30);

// 12 units of 3 articles, 30 facilities, cap 6: heavy stock contention, where the exact
// search is most work.
void BM_RouteExactSplit12x30Contended(benchmark::State& state) {
    RoutingRequest request = make_request(3, 30, 4, 4);
    const std::vector<Line> three = request.lines;
    request.lines.clear();
    for (int l = 0; l < 12; ++l) {
        Line line = three[static_cast<std::size_t>(l % 3)];
        line.line_id = std::to_string(l + 1);
        line.quantity = 1 + l % 2;
        request.lines.push_back(line);
    }
    request.strategy.max_split_count = 6;
    for (auto _ : state) {
        benchmark::DoNotOptimize(waitroom::core::route(request));
    }
}
BENCHMARK(BM_RouteExactSplit12x30Contended);

}  // namespace

BENCHMARK_MAIN();
