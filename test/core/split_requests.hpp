// Requests that load the split search, shared by its tests (split_search_test.cpp: the
// decisions stay valid) and the benchmark (bench/core_bench.cpp: how long they take).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "router.hpp"
#include "test_support.hpp"

namespace waitroom::core::testing {

inline std::string split_article(int i) { return "A" + std::to_string(i); }

// 30 facilities at random places in Germany, "f0".."f29".
inline void add_thirty_facilities(RoutingRequest& r, std::mt19937& rng) {
    for (int f = 0; f < 30; ++f) {
        r.facilities.push_back(facility("f" + std::to_string(f),
                                        Location{47.0 + static_cast<double>(rng() % 800) / 100.0,
                                                 6.0 + static_cast<double>(rng() % 900) / 100.0}));
    }
}

// Each of the 30 facilities lists each article with chance 1/one_in, holding 0..levels-1.
inline void add_some_offers(RoutingRequest& r, std::mt19937& rng, int articles,
                            std::uint32_t one_in, std::uint32_t levels) {
    for (int f = 0; f < 30; ++f) {
        for (int a = 0; a < articles; ++a) {
            if (rng() % one_in == 0) {
                r.offers.push_back(offer("f" + std::to_string(f), split_article(a),
                                         static_cast<std::int64_t>(rng() % levels)));
            }
        }
    }
}

// Round `round` of 40 (rng seeded 7 before round 0): 10 units of 1..10 articles at 30
// facilities holding 0-3 of each, cap 3: few articles, heavy stock contention for the exact
// search.
inline RoutingRequest contended_ten_units(std::mt19937& rng, int round) {
    RoutingRequest r = request();
    if (round % 2 == 0) {
        r.consumer = kBerlin;
    }
    add_thirty_facilities(r, rng);
    const int articles = 1 + round % 10;
    for (int i = 0; i < 10; ++i) {
        r.lines.push_back(line(std::to_string(i + 1), split_article(i % articles),
                               1 + static_cast<int>(rng() % 2)));
    }
    for (int f = 0; f < 30; ++f) {
        for (int a = 0; a < articles; ++a) {
            r.offers.push_back(offer("f" + std::to_string(f), split_article(a),
                                     static_cast<std::int64_t>(rng() % 4)));
        }
    }
    return r;
}

// Adversarial for the exact search: ten units of one article, every one of 30 facilities
// holds 3 (C(10,3) maximal sets each).
inline RoutingRequest one_article_ten_units(bool consumer) {
    RoutingRequest r = request();
    if (consumer) {
        r.consumer = kBerlin;
    }
    for (int f = 0; f < 30; ++f) {
        r.facilities.push_back(
            facility("f" + std::to_string(f), Location{48.0 + f * 0.1, 10.0 + (f % 7) * 0.2}));
        r.offers.push_back(offer("f" + std::to_string(f), "A", 3));
    }
    for (int i = 0; i < 10; ++i) {
        r.lines.push_back(line(std::to_string(i + 1), "A", 1));
    }
    return r;
}

// Round `round` of 24 (rng seeded 11 before round 0): 10 units x 30 facilities with
// max_split_count 4..10, C(30, 10) facility sets at most.
inline RoutingRequest large_cap(std::mt19937& rng, int round) {
    RoutingRequest r = request();
    if (round % 3 != 0) {
        r.consumer = kBerlin;
    }
    r.strategy.max_split_count = 4 + round % 7;
    add_thirty_facilities(r, rng);
    const int articles = 2 + round % 9;
    for (int i = 0; i < 10; ++i) {
        r.lines.push_back(line(std::to_string(i + 1), split_article(i % articles), 1 + i % 2));
    }
    add_some_offers(r, rng, articles, 3, 3);
    return r;
}

// Round `round` of 30 (rng seeded 5 before round 0): 40 units x 30 facilities, cap 2..10, for
// the heuristic.
inline RoutingRequest forty_units(std::mt19937& rng, int round) {
    RoutingRequest r = request();
    r.consumer = kBerlin;
    r.strategy.max_split_count = 2 + round % 9;
    add_thirty_facilities(r, rng);
    const int articles = 10 + round;
    for (int i = 0; i < 40; ++i) {
        r.lines.push_back(line(std::to_string(i + 1), split_article(i % articles),
                               1 + static_cast<int>(rng() % 3)));
    }
    add_some_offers(r, rng, articles, 2, 4);
    return r;
}

}  // namespace waitroom::core::testing
