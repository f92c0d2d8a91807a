// Benchmarks of route(): a typical order (3 lines, 10 facilities), a large one (40 lines,
// 30 facilities) and the exact split search up to its limit; the split search on the requests
// of its tests (test/core/split_requests.hpp; the tests check the decisions, these time them);
// then decisions at real size (5/20/50 lines x 500 facilities, every article listed everywhere)
// in several stock situations, each decision timed on its own so that p50 and p99 can be
// reported.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../test/core/split_requests.hpp"
#include "router.hpp"
#include "router_model.hpp"
#include "split_search.hpp"

namespace {

using waitroom::core::Facility;
using waitroom::core::Line;
using waitroom::core::Location;
using waitroom::core::Offer;
using waitroom::core::OutOfStockBehaviour;
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

// --- the split search on its tests' requests ----------------------------------------------------

// Calls decide(i) for request i = 0, 1, ..., count - 1, 0, ... (manual time, each call on its
// own) and reports worst_us: the slowest request's fastest call, the figure the tests once
// held against a wall-time limit.
template <typename Decide>
void time_each(benchmark::State& state, std::size_t count, const Decide& decide) {
    std::vector<double> fastest(count, 0);  // microseconds; 0 = not timed yet
    std::size_t next = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        decide(next);
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        state.SetIterationTime(elapsed.count());
        const double us = elapsed.count() * 1e6;
        fastest[next] = fastest[next] == 0 ? us : std::min(fastest[next], us);
        next = (next + 1) % count;
    }
    state.counters["worst_us"] = *std::max_element(fastest.begin(), fastest.end());
}

// count requests from make(rng, round), rng seeded with seed: as the tests build them.
template <typename Make>
std::vector<RoutingRequest> rounds(unsigned seed, int count, const Make& make) {
    std::mt19937 rng(seed);
    std::vector<RoutingRequest> requests;
    requests.reserve(static_cast<std::size_t>(count));
    for (int round = 0; round < count; ++round) {
        requests.push_back(make(rng, round));
    }
    return requests;
}

// Routes each request with route().
void time_routes(benchmark::State& state, const std::vector<RoutingRequest>& requests) {
    time_each(state, requests.size(), [&](std::size_t i) {
        auto decision = waitroom::core::route(requests[i]);
        benchmark::DoNotOptimize(decision);
    });
}

// 10 units x 30 facilities, cap 3, heavy stock contention: 40 requests.
void BM_SplitContended10x30(benchmark::State& state) {
    time_routes(state, rounds(7, 40, waitroom::core::testing::contended_ten_units));
}
BENCHMARK(BM_SplitContended10x30)->UseManualTime()->Unit(benchmark::kMicrosecond);

// Ten units of one article, 30 facilities holding 3 each; with (1) and without (0) a
// consumer location.
void BM_SplitOneArticle10x30(benchmark::State& state) {
    time_routes(state, {waitroom::core::testing::one_article_ten_units(state.range(0) != 0)});
}
BENCHMARK(BM_SplitOneArticle10x30)->Arg(0)->Arg(1)->UseManualTime()->Unit(benchmark::kMicrosecond);

// 10 units x 30 facilities, max_split_count 4..10: 24 requests.
void BM_SplitLargeCap10x30(benchmark::State& state) {
    time_routes(state, rounds(11, 24, waitroom::core::testing::large_cap));
}
BENCHMARK(BM_SplitLargeCap10x30)->UseManualTime()->Unit(benchmark::kMicrosecond);

// The heuristic alone (choose_split_heuristic), 40 units x 30 facilities, cap 2..10: 30
// requests.
void BM_SplitHeuristic40x30(benchmark::State& state) {
    const std::vector<RoutingRequest> requests =
        rounds(5, 30, waitroom::core::testing::forty_units);
    std::vector<waitroom::core::detail::Model> models;
    models.reserve(requests.size());  // a model points at its request
    for (const RoutingRequest& r : requests) {
        models.push_back(waitroom::core::detail::build_model(r));
    }
    time_each(state, models.size(), [&](std::size_t i) {
        const auto cap = static_cast<std::size_t>(requests[i].strategy.max_split_count);
        auto choice = waitroom::core::detail::choose_split_heuristic(models[i], cap);
        benchmark::DoNotOptimize(choice);
    });
}
BENCHMARK(BM_SplitHeuristic40x30)->UseManualTime()->Unit(benchmark::kMicrosecond);

// --- real size: L lines x 500 facilities ------------------------------------------------------

constexpr int kBigFacilities = 500;
constexpr int kRequestsPerCase = 24;  // distinct seeded requests, cycled

// The stock situations. Each names the SPEC §3 rule its decisions must come out of (checked
// before timing, so a generator drifting into another rule fails the case instead of timing it).
enum class Situation {
    Complete,          // rule 1: one facility has everything, the others random
    Split,             // rule 2, cap 3: three facilities hold a third of the order each
    SplitScarce,       // rule 2, cap 3: each article at ~5% of facilities, 1-2 units: contended
    Backorder,         // much missing everywhere with BACKORDER listings, waiting room on
    BackorderRoomOff,  // the same with the waiting room off (rule 4 reservations)
    NoSplit,           // rule 3: split off, no facility has everything
};

// Stock: each (facility, article) holds 1..5 with probability `p`, else 0.
std::int64_t random_stock(std::mt19937& rng, double p) {
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    return coin(rng) < p ? 1 + static_cast<std::int64_t>(rng() % 5) : 0;
}

RoutingRequest make_big_request(Situation situation, int lines, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> lat(47.3, 55.0);
    std::uniform_real_distribution<double> lon(6.0, 15.0);
    RoutingRequest request;
    request.consumer = Location{lat(rng), lon(rng)};
    request.now = 1'800'000'000'000'000;
    const auto nf = static_cast<std::size_t>(kBigFacilities);
    const auto nl = static_cast<std::size_t>(lines);
    for (std::size_t f = 0; f < nf; ++f) {
        Facility facility;
        const std::string number = std::to_string(1000 + f);  // fc-1000..fc-1499: sorted
        facility.ref = "fc-" + number;
        facility.location = Location{lat(rng), lon(rng)};
        request.facilities.push_back(facility);
    }
    std::vector<bool> missing(nl, false);  // Backorder: out of stock everywhere
    for (std::size_t l = 0; l < nl; ++l) {
        Line line;
        line.line_id = std::to_string(l + 1);
        line.article = "sku-" + std::to_string(10000 + rng() % 90000);
        line.article += "-" + std::to_string(l);  // distinct articles
        line.quantity = 1 + static_cast<std::int64_t>(rng() % 3);
        request.lines.push_back(line);
        missing[l] = rng() % 10 < 6;
    }
    // stock[f][l]
    std::vector<std::vector<std::int64_t>> stock(nf, std::vector<std::int64_t>(nl, 0));
    const double p = situation == Situation::SplitScarce ? 0.05 : 0.3;
    for (std::size_t f = 0; f < nf; ++f) {
        for (std::size_t l = 0; l < nl; ++l) {
            const bool out =
                (situation == Situation::Backorder || situation == Situation::BackorderRoomOff) &&
                missing[l];
            stock[f][l] = out ? 0 : random_stock(rng, p);
            if (situation == Situation::SplitScarce) {
                stock[f][l] = std::min<std::int64_t>(stock[f][l], 2);
            }
        }
    }
    const auto complete = [&](std::size_t f) {
        for (std::size_t l = 0; l < nl; ++l) {
            if (stock[f][l] < request.lines[l].quantity) {
                return false;
            }
        }
        return true;
    };
    if (situation == Situation::Complete) {
        const std::size_t f = rng() % nf;
        for (std::size_t l = 0; l < nl; ++l) {
            stock[f][l] = std::max<std::int64_t>(stock[f][l], 4);  // 3 after a reservation
        }
    } else {
        if (situation == Situation::Split) {
            // Three facilities hold a third of the articles each, so three parts serve all.
            for (std::size_t l = 0; l < nl; ++l) {
                stock[(97 * (l % 3) + seed) % nf][l] = 5;
            }
        }
        // No facility may have everything (rule 1 would decide).
        for (std::size_t f = 0; f < nf; ++f) {
            if (complete(f)) {
                stock[f][rng() % nl] = 0;
            }
        }
    }
    // Offers in the order the Postgres glue reads them: by facility_ref, then article.
    std::vector<std::size_t> by_article(nl);
    for (std::size_t l = 0; l < nl; ++l) {
        by_article[l] = l;
    }
    std::sort(by_article.begin(), by_article.end(), [&](std::size_t x, std::size_t y) {
        return request.lines[x].article < request.lines[y].article;
    });
    for (std::size_t f = 0; f < nf; ++f) {
        for (std::size_t l : by_article) {
            Offer offer;
            offer.facility_ref = request.facilities[f].ref;
            offer.article = request.lines[l].article;
            offer.on_hand = stock[f][l];
            offer.reserved = stock[f][l] > 0 ? static_cast<std::int64_t>(rng() % 2) : 0;
            const bool pre_back =
                (situation == Situation::Backorder || situation == Situation::BackorderRoomOff) &&
                missing[l];
            offer.behaviour = pre_back ? OutOfStockBehaviour::Backorder : OutOfStockBehaviour::None;
            request.offers.push_back(offer);
        }
    }
    if (situation == Situation::NoSplit) {
        request.strategy.order_split_active = false;
    }
    if (situation == Situation::BackorderRoomOff) {
        request.strategy.complete_stock_fence_active = false;
    }
    request.strategy.max_split_count = 3;
    return request;
}

// The rule the situation's decisions must report (a prefix of RoutingDecision::rule).
bool expected_rule(Situation situation, const std::string& rule) {
    const auto starts = [&rule](const char* prefix) { return rule.rfind(prefix, 0) == 0; };
    switch (situation) {
        case Situation::Complete:
            return starts("complete-stock single facility");
        case Situation::Split:
        case Situation::SplitScarce:
            return starts("split");
        case Situation::Backorder:
            return rule.find("waiting room") != std::string::npos;
        case Situation::BackorderRoomOff:
            return starts("waiting room off: backorder reservation");
        case Situation::NoSplit:
            return starts("no split");
    }
    return false;
}

double thread_cpu_us() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// The q-quantile (nearest rank) of the samples; sorts them.
double percentile(std::vector<double>& samples, double q) {
    if (samples.empty()) {
        return 0;
    }
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

// A case's requests, each routed once to check its rule; `error` is set when one comes out of
// another rule. Made once per case: the library calls a case's function several times while
// it settles the iteration count, and making and checking 24 requests of up to 50 lines x 500
// facilities each time was half of a --smoke run (16 s, now 8.5 s, on a loaded 2-core box).
struct BigCase {
    std::vector<RoutingRequest> requests;
    std::string error;
};

const BigCase& big_case(Situation situation, int lines) {
    static std::map<std::pair<Situation, int>, BigCase> cases;
    const auto key = std::make_pair(situation, lines);
    const auto found = cases.find(key);
    if (found != cases.end()) {
        return found->second;
    }
    BigCase& made = cases[key];
    for (int i = 0; i < kRequestsPerCase && made.error.empty(); ++i) {
        made.requests.push_back(make_big_request(
            situation, lines, 1000U * static_cast<unsigned>(lines) + static_cast<unsigned>(i)));
        const std::string rule = waitroom::core::route(made.requests.back()).rule;
        if (!expected_rule(situation, rule)) {
            made.error = "unexpected rule: " + rule;
        }
    }
    return made;
}

// Times every decision on its own (manual time) and reports p50/p99/max in microseconds.
void BM_Big(benchmark::State& state, Situation situation) {
    const BigCase& big = big_case(situation, static_cast<int>(state.range(0)));
    if (!big.error.empty()) {
        state.SkipWithError(big.error.c_str());
        return;
    }
    const std::vector<RoutingRequest>& requests = big.requests;
    std::vector<double> wall;  // microseconds per decision
    std::vector<double> cpu;   // this thread's CPU time per decision: what neighbours on a
                               // shared machine cannot inflate
    std::size_t next = 0;
    for (auto _ : state) {
        // A fresh copy, untimed: the glue builds the request just before route(), so it is
        // as warm in the caches as a just-written request is (not as a long-idle one).
        const RoutingRequest request = requests[next];
        next = (next + 1) % requests.size();
        const double cpu_start = thread_cpu_us();
        const auto start = std::chrono::steady_clock::now();
        {
            auto decision = waitroom::core::route(request);
            benchmark::DoNotOptimize(decision);
        }
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        cpu.push_back(thread_cpu_us() - cpu_start);
        state.SetIterationTime(elapsed.count());
        wall.push_back(elapsed.count() * 1e6);
    }
    state.counters["p50_us"] = percentile(wall, 0.50);
    state.counters["p99_us"] = percentile(wall, 0.99);
    state.counters["max_us"] = percentile(wall, 1.0);
    state.counters["cpu_p50_us"] = percentile(cpu, 0.50);
    state.counters["cpu_p99_us"] = percentile(cpu, 0.99);
    state.counters["decisions"] = static_cast<double>(wall.size());
}

// 5, 20 and 50 lines.
void big_sizes(benchmark::internal::Benchmark* b) {
    b->Arg(5)->Arg(20)->Arg(50)->UseManualTime()->Unit(benchmark::kMicrosecond);
}

BENCHMARK_CAPTURE(BM_Big, complete, Situation::Complete)->Apply(big_sizes);
BENCHMARK_CAPTURE(BM_Big, split, Situation::Split)->Apply(big_sizes);
BENCHMARK_CAPTURE(BM_Big, split_scarce, Situation::SplitScarce)->Apply(big_sizes);
BENCHMARK_CAPTURE(BM_Big, backorder, Situation::Backorder)->Apply(big_sizes);
BENCHMARK_CAPTURE(BM_Big, backorder_room_off, Situation::BackorderRoomOff)->Apply(big_sizes);
BENCHMARK_CAPTURE(BM_Big, no_split, Situation::NoSplit)->Apply(big_sizes);

}  // namespace

BENCHMARK_MAIN();
