// Stock row locks: taken in (facility_ref, tenant_article_id) byte order, after the order,
// plan and article locks (the lock order is in article_locks.cpp).
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "pg/lock_protocol.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
}

namespace waitroom::pg {
namespace {

using nlohmann::json;

spi::Statement create_stock_rows_sql{
    "INSERT INTO waitroom.stock (facility_ref, tenant_article_id)"
    "SELECT x.f, x.a FROM jsonb_to_recordset($1::jsonb) AS x(f text, a text)"
    " ORDER BY x.f COLLATE \"C\", x.a COLLATE \"C\""
    "    ON CONFLICT DO NOTHING",
    1};

// The keys drive the join: unnest() of arrays is estimated by its length, so each row is one
// primary-key probe. jsonb_to_recordset() is always guessed at 100 rows, which made the
// planner hash-join a seq scan of all of stock (1.3 ms per call at 10,000 rows).
spi::Statement lock_stock_rows_sql{
    "SELECT s.facility_ref, s.tenant_article_id, s.on_hand, s.reserved"
    "  FROM unnest($1::text[], $2::text[]) AS x(f, a)"
    "  JOIN waitroom.stock s ON s.facility_ref = x.f AND s.tenant_article_id = x.a"
    " ORDER BY s.facility_ref COLLATE \"C\", s.tenant_article_id COLLATE \"C\""
    "   FOR NO KEY UPDATE OF s",
    2};

spi::Statement lock_stock_rows_nowait_sql{
    "SELECT s.facility_ref, s.tenant_article_id, s.on_hand, s.reserved"
    "  FROM unnest($1::text[], $2::text[]) AS x(f, a)"
    "  JOIN waitroom.stock s ON s.facility_ref = x.f AND s.tenant_article_id = x.a"
    " ORDER BY s.facility_ref COLLATE \"C\", s.tenant_article_id COLLATE \"C\""
    "   FOR NO KEY UPDATE OF s NOWAIT",
    2};

// Every candidate stock row of the articles, found per article; lock_stock_rows_sql then
// locks them by key in the fixed order (a lock in the per-article probe would take them in
// article order, against everyone else's order).
spi::Statement candidate_rows_sql{
    "SELECT k.facility_ref, k.tenant_article_id"
    "  FROM unnest($1::text[]) AS a(article)"
    " CROSS JOIN LATERAL (SELECT facility_ref, tenant_article_id FROM waitroom.stock"
    "                      WHERE tenant_article_id = a.article OFFSET 0) k",
    1};

std::string stock_keys_json(const std::map<StockKey, std::int64_t>& keys) {
    json rows = json::array();
    for (const auto& [key, quantity] : keys) rows.push_back({{"f", key.first}, {"a", key.second}});
    return rows.dump();
}

}  // namespace

bool lock_and_recheck(const std::map<StockKey, std::int64_t>& reservations,
                      const std::vector<core::Offer>& seen, const std::set<StockKey>& missing,
                      bool nowait) {
    std::map<StockKey, std::int64_t> to_create;
    for (const auto& entry : reservations)
        if (missing.count(entry.first) != 0) to_create.insert(entry);
    if (!to_create.empty()) spi::run(create_stock_rows_sql, {stock_keys_json(to_create)});

    std::vector<std::string> facilities;
    std::vector<std::string> articles;
    for (const auto& entry : reservations) {
        facilities.push_back(entry.first.first);
        articles.push_back(entry.first.second);
    }
    spi::Rows locked = spi::run(nowait ? lock_stock_rows_nowait_sql : lock_stock_rows_sql,
                                {spi::array_literal(facilities), spi::array_literal(articles)});
    if (locked.size() != reservations.size()) return false;
    // What the decision saw of the rows it reserves (only those: an order's offers run to
    // thousands).
    std::map<StockKey, std::pair<std::int64_t, std::int64_t>> as_seen;
    for (const auto& offer : seen) {
        StockKey key{offer.facility_ref, offer.article};
        if (reservations.count(key) != 0) as_seen[std::move(key)] = {offer.on_hand, offer.reserved};
    }
    for (const spi::Row& r : locked) {
        auto it = as_seen.find({spi::text(r, 0), spi::text(r, 1)});
        if (it == as_seen.end()) return false;
        if (it->second != std::make_pair(spi::integer(r, 2), spi::integer(r, 3))) return false;
    }
    return true;
}

bool lock_in_snapshot(const std::function<bool()>& lock, bool* stale) {
    if (!IsolationUsesXactSnapshot()) return lock();
    spi::begin_subtransaction();
    bool result = false;
    try {
        result = lock();
    } catch (const PgError& e) {
        spi::rollback_subtransaction();
        if (e.edata()->sqlerrcode != ERRCODE_T_R_SERIALIZATION_FAILURE) throw;
        *stale = true;
        return false;
    } catch (...) {
        spi::rollback_subtransaction();
        throw;
    }
    spi::release_subtransaction();
    return result;
}

void lock_all_candidate_rows(const std::vector<std::string>& articles, bool nowait) {
    std::vector<StockKey> keys;
    for (const spi::Row& r : spi::run(candidate_rows_sql, {spi::array_literal(articles)}))
        keys.emplace_back(spi::text(r, 0), spi::text(r, 1));
    if (keys.empty()) return;
    spi::Statement& lock_rows = nowait ? lock_stock_rows_nowait_sql : lock_stock_rows_sql;
    const auto lock = [&lock_rows](const std::vector<StockKey>& rows) {
        std::vector<std::string> facilities;
        std::vector<std::string> keyed_articles;
        for (const auto& [facility, article] : rows) {
            facilities.push_back(facility);
            keyed_articles.push_back(article);
        }
        spi::run(lock_rows, {spi::array_literal(facilities), spi::array_literal(keyed_articles)});
        return true;
    };
    if (!IsolationUsesXactSnapshot()) {
        lock(keys);
        return;
    }
    // Row by row in the fixed order (the statement's order: bytewise, as COLLATE "C").
    std::sort(keys.begin(), keys.end());
    bool stale = false;
    for (const StockKey& key : keys) lock_in_snapshot([&] { return lock({key}); }, &stale);
}

}  // namespace waitroom::pg
