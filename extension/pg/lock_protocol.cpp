// The lock protocol: every lock waitroom takes, and the one order it takes them in.
//
// The order (a transaction takes its locks in this order, never back up it):
//   1. order rows, then plan rows (FOR NO KEY UPDATE), each order's row before its plans';
//      several by (order_id, plan_no). The manual actions (assign_facility, cancel_order,
//      reroute) lock the order; re-routing a plan locks its order and plan rows first.
//      assign_facility then takes its facility's row FOR KEY SHARE (lock_facility_key).
//   2. the strategy lock: shared by every decision when it reads the routing strategy,
//      exclusive by a change of the strategy before it writes;
//   3. the article locks of the articles' buckets, in ascending bucket order: the pass lock
//      (restock passes, exclusive), then the waiting lock (shared by a decision that leaves
//      lines waiting; exclusive by a statement that raises availability);
//   4. stock rows, in (facility_ref, tenant_article_id) byte order (COLLATE "C"): those a
//      decision reserves (lock_and_recheck), or every candidate row (the fallback).
//
// Who must not wait, and why. An app's stock UPDATE or INSERT holds its stock rows (4) before
// its statement trigger runs the waiting-room pass, which needs 1-4 again: against the order.
// So the pass never waits unbounded: the pass lock with a wait bounded at half of
// deadlock_timeout (it gives up before the deadlock detector would pick a victim), the
// waiting lock NOWAIT (a decision to wait is in flight), plan rows SKIP LOCKED (their holder
// decides them), stock rows NOWAIT, and each plan in a subtransaction whose lock waits are
// bounded the same way. What it cannot take it defers to reroute_queue; a later drain serves
// it. Everyone else (place_order, reroute, the manual actions) takes 1-4 in order and waits.
// A change of the strategy takes its lock by trying first (lock_strategy_exclusive), then
// runs only a pass.
//
// Outside the order: a drain claims reroute_queue entries FOR UPDATE SKIP LOCKED
// (retry_queue.cpp), which never waits, so it adds no edge to any lock cycle.
//
// At REPEATABLE READ / SERIALIZABLE a row changed after the transaction's snapshot cannot be
// locked (40001): lock_in_snapshot undoes the attempt, and the decision leaves the work to a
// drain with a fresh snapshot.
//
// The article and strategy locks. Two per article bucket (1024 buckets by a hash of tenant and
// article, shared by all tenants, so that a 10,000-row import holds a bounded number of locks;
// transaction-scoped):
// - the pass lock: restock passes serialize on it (exclusive), so of two restocks that one
//   waiting bundle needs, the second sees the first's stock;
// - the waiting lock: a decision that leaves lines waiting holds it shared until commit;
//   every statement that raises an article's availability takes it exclusive without
//   waiting (deferring to reroute_queue when it cannot). So a decision to wait either sees a
//   restock (it waited for its commit) or is seen by the restock's deferral; a restock never
//   waits for a place_order, which may be waiting for a stock row the restock holds.
// And one strategy lock (class 9, objid 0): every decision takes it shared when it reads the
// routing strategy, a change of the strategy takes it exclusive before it writes (a statement
// trigger on routing_strategy). So no decision made under the old strategy is still in flight
// when the change's own pass serves the waiting room under the new one.
//
// They live in Postgres's lock manager (shared memory: no table, no WAL; the deadlock
// detector and lock_timeout apply as to any lock) under an advisory lock tag that no SQL
// function can build: SQL's advisory functions set the tag's fourth field to 1 (bigint key)
// or 2 (two int4 keys), Citus uses 4..13; ours is kArticleLockSpace. So no role can take,
// stall or collide with them through pg_advisory_lock*, and an app's own advisory locks in
// any class are its own. In pg_locks they are locktype 'advisory' rows of the database;
// tag_of() below makes every tag, and SQL reads them from there (sql/src/34_lock_protocol.sql):
// waitroom.lock_holders decodes pg_locks into (kind, bucket, mode, granted, pid),
// waitroom.lock_tags() lists every tag and waitroom.article_lock_bucket(tenant_id, article) an
// article's bucket (pg_blocking_pids() and the wait event "Lock: advisory" name them as for any
// lock).
#include "pg/lock_protocol.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pg/spi.hpp"
#include "pg/tenant.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"
}

namespace waitroom::pg {

// ---------------------------------------------------------------- 1. order and plan rows

namespace {

spi::Statement lock_facility_key_sql{
    "SELECT 1 FROM waitroom.facility WHERE tenant_id = $2 AND facility_ref = $1 FOR KEY SHARE", 2};

spi::Statement lock_order_sql{
    "SELECT status FROM waitroom.orders WHERE tenant_id = $2 AND order_id = $1::uuid"
    "   FOR NO KEY UPDATE",
    2};

// FOR NO KEY UPDATE without OF: both rows, the order's first (range table order).
spi::Statement lock_plan_sql{
    "SELECT p.status FROM waitroom.orders o"
    "  JOIN waitroom.routing_plan p ON p.tenant_id = o.tenant_id AND p.order_id = o.order_id"
    " WHERE o.tenant_id = $2 AND p.tenant_id = $2 AND p.routing_plan_id = $1::uuid"
    "   FOR NO KEY UPDATE",
    2};

spi::Statement lock_plan_skip_sql{
    "SELECT p.status FROM waitroom.orders o"
    "  JOIN waitroom.routing_plan p ON p.tenant_id = o.tenant_id AND p.order_id = o.order_id"
    " WHERE o.tenant_id = $2 AND p.tenant_id = $2 AND p.routing_plan_id = $1::uuid"
    "   FOR NO KEY UPDATE SKIP LOCKED",
    2};

// The batch of a pass: the plans' order and plan rows at once, SKIP LOCKED (the unnest-sized
// join probes each plan by its key).
spi::Statement lock_plans_skip_sql{
    "SELECT p.routing_plan_id, p.status"
    "  FROM unnest($1::uuid[]) AS x(id)"
    "  JOIN waitroom.routing_plan p ON p.tenant_id = $2 AND p.routing_plan_id = x.id"
    "  JOIN waitroom.orders o ON o.tenant_id = $2 AND o.order_id = p.order_id"
    "   FOR NO KEY UPDATE OF o, p SKIP LOCKED",
    2};

spi::Statement lock_plans_and_orders_sql{
    "SELECT p.routing_plan_id FROM waitroom.routing_plan p"
    "  JOIN waitroom.orders o ON o.tenant_id = $2 AND o.order_id = p.order_id"
    " WHERE p.tenant_id = $2 AND p.routing_plan_id = ANY($1::uuid[])"
    " ORDER BY o.order_id, p.plan_no"
    "   FOR NO KEY UPDATE OF o, p",
    2};

std::optional<std::string> first_status(const spi::Rows& rows) {
    if (rows.empty()) return std::nullopt;
    return spi::text(rows[0], 0);
}

}  // namespace

bool lock_facility_key(const std::string& facility_ref) {
    return !spi::run(lock_facility_key_sql, {facility_ref, tenant()}).empty();
}

std::optional<std::string> lock_order(const std::string& order_id) {
    return first_status(spi::run(lock_order_sql, {order_id, tenant()}));
}

std::optional<std::string> lock_plan(const std::string& plan_id, bool skip_locked) {
    return first_status(
        spi::run(skip_locked ? lock_plan_skip_sql : lock_plan_sql, {plan_id, tenant()}));
}

std::vector<std::pair<std::string, std::string>> lock_plans_skip_locked(
    const std::vector<std::string>& plan_ids) {
    std::vector<std::pair<std::string, std::string>> locked;
    for (const spi::Row& r :
         spi::run(lock_plans_skip_sql, {spi::array_literal(plan_ids), tenant()}))
        locked.emplace_back(spi::text(r, 0), spi::text(r, 1));
    return locked;
}

void lock_plans_and_orders(const std::vector<std::string>& plan_ids) {
    spi::run(lock_plans_and_orders_sql, {spi::array_literal(plan_ids), tenant()});
}

// ---------------------------------------------------------------- 2. strategy and article locks

namespace {

// The fourth field of our lock tags: 0x5752, "WR" in ASCII.
constexpr uint16 kArticleLockSpace = 0x5752;
constexpr int kBuckets = 1024;

// The tag's second field (pg_locks.classid).
enum class LockClass : uint32 { Waiting = 7, Pass = 8, Strategy = 9 };

const char* kind_name(LockClass lock) {
    switch (lock) {
        case LockClass::Waiting:
            return "waiting";
        case LockClass::Pass:
            return "pass";
        default:
            return "strategy";
    }
}

// The one place a tag is made: the locks and waitroom.lock_tags() read it from here.
LOCKTAG tag_of(LockClass lock, int bucket) {
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(lock), static_cast<uint32>(bucket),
                         kArticleLockSpace);
    return tag;
}

// hashtext(value) (hashtext itself, called directly: no function a caller's search_path
// could put in its place).
uint32 hash_of(const std::string& value) {
    uint32 hash = 0;
    pg_call([&]() noexcept {
        text* t = cstring_to_text_with_len(value.data(), static_cast<int>(value.size()));
        hash = DatumGetUInt32(
            DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, PointerGetDatum(t)));
        pfree(t);
    });
    return hash;
}

// A tenant's article's lock bucket: hash_combine(hashtext(tenant), hashtext(article)) & 1023.
// Tenants share the buckets: two tenants' articles in one bucket serialize, and never wait
// for anything else of each other.
int article_bucket(const std::string& tenant_id, const std::string& article) {
    return static_cast<int>(hash_combine(hash_of(tenant_id), hash_of(article)) &
                            static_cast<uint32>(kBuckets - 1));
}

// The articles (of the call's tenant) by bucket; ordered: buckets in ascending order.
std::map<int, std::vector<std::string>> by_bucket(const std::vector<std::string>& articles) {
    std::map<int, std::vector<std::string>> buckets;
    for (const auto& article : articles)
        buckets[article_bucket(tenant(), article)].push_back(article);
    return buckets;
}

// Transaction-scoped: released at commit or abort, and by the rollback of the subtransaction
// that took it. Returns false when `dont_wait` and another transaction holds it.
bool acquire(LockClass lock, int bucket, LOCKMODE mode, bool dont_wait) {
    LOCKTAG tag = tag_of(lock, bucket);
    LockAcquireResult result = LOCKACQUIRE_NOT_AVAIL;
    pg_call([&]() noexcept { result = LockAcquire(&tag, mode, /*sessionLock=*/false, dont_wait); });
    return result != LOCKACQUIRE_NOT_AVAIL;
}

// One row of waitroom.lock_tags(): the tag's fields as pg_locks shows them (bucket NULL for
// the strategy lock). Plain C: runs inside pg_call.
void put_tag(ReturnSetInfo* rsinfo, LockClass lock, int bucket) {
    const LOCKTAG tag = tag_of(lock, bucket < 0 ? 0 : bucket);
    Datum values[5] = {CStringGetTextDatum(kind_name(lock)), Int32GetDatum(bucket),
                       ObjectIdGetDatum(tag.locktag_field2), ObjectIdGetDatum(tag.locktag_field3),
                       Int16GetDatum(static_cast<int16>(tag.locktag_field4))};
    bool nulls[5] = {false, bucket < 0, false, false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

void lock_buckets(LockClass lock, const std::vector<std::string>& articles, LOCKMODE mode) {
    for (const auto& entry : by_bucket(articles))
        acquire(lock, entry.first, mode, /*dont_wait=*/false);
}

}  // namespace

void lock_strategy_shared() { acquire(LockClass::Strategy, 0, ShareLock, /*dont_wait=*/false); }

// Tried without waiting, every millisecond for up to 5 s, and only then waited for: a request
// waiting in the lock's queue would hold up every later decision's shared request behind it,
// and a decision that already holds row locks would then wait in a cycle the deadlock
// detector has to break. Once held, the change runs only a pass, whose waits are bounded.
void lock_strategy_exclusive() {
    for (int attempt = 0; attempt < 5000; ++attempt) {
        if (acquire(LockClass::Strategy, 0, ExclusiveLock, /*dont_wait=*/true)) return;
        pg_call([]() noexcept {
            CHECK_FOR_INTERRUPTS();
            pg_usleep(1000L);
        });
    }
    acquire(LockClass::Strategy, 0, ExclusiveLock, /*dont_wait=*/false);
}

// The wait is bounded by lock_timeout, which in_lock_attempt sets.
bool lock_pass(const std::vector<std::string>& articles) {
    if (articles.empty()) return true;
    return in_lock_attempt(/*bounded=*/true, [&] {
        lock_buckets(LockClass::Pass, articles, ExclusiveLock);
        return true;
    });
}

void lock_articles_shared(const std::vector<std::string>& articles) {
    lock_buckets(LockClass::Waiting, articles, ShareLock);
}

std::vector<std::string> try_lock_waiting_exclusive(const std::vector<std::string>& articles) {
    std::vector<std::string> refused;
    for (const auto& [bucket, in_bucket] : by_bucket(articles))
        if (!acquire(LockClass::Waiting, bucket, ExclusiveLock, /*dont_wait=*/true))
            refused.insert(refused.end(), in_bucket.begin(), in_bucket.end());
    return refused;
}

// ---------------------------------------------------------------- 3. stock rows

namespace {

using nlohmann::json;

spi::Statement create_stock_rows_sql{
    "INSERT INTO waitroom.stock (facility_ref, tenant_article_id, tenant_id)"
    "SELECT x.f, x.a, $2 FROM jsonb_to_recordset($1::jsonb) AS x(f text, a text)"
    " ORDER BY x.f COLLATE \"C\", x.a COLLATE \"C\""
    "    ON CONFLICT DO NOTHING",
    2};

// The keys drive the join: unnest() of arrays is estimated by its length, so each row is one
// primary-key probe. jsonb_to_recordset() is always guessed at 100 rows, which made the
// planner hash-join a seq scan of all of stock (1.3 ms per call at 10,000 rows).
spi::Statement lock_stock_rows_sql{
    "SELECT s.facility_ref, s.tenant_article_id, s.on_hand, s.reserved"
    "  FROM unnest($1::text[], $2::text[]) AS x(f, a)"
    "  JOIN waitroom.stock s"
    "    ON s.tenant_id = $3 AND s.facility_ref = x.f AND s.tenant_article_id = x.a"
    " ORDER BY s.facility_ref COLLATE \"C\", s.tenant_article_id COLLATE \"C\""
    "   FOR NO KEY UPDATE OF s",
    3};

spi::Statement lock_stock_rows_nowait_sql{
    "SELECT s.facility_ref, s.tenant_article_id, s.on_hand, s.reserved"
    "  FROM unnest($1::text[], $2::text[]) AS x(f, a)"
    "  JOIN waitroom.stock s"
    "    ON s.tenant_id = $3 AND s.facility_ref = x.f AND s.tenant_article_id = x.a"
    " ORDER BY s.facility_ref COLLATE \"C\", s.tenant_article_id COLLATE \"C\""
    "   FOR NO KEY UPDATE OF s NOWAIT",
    3};

// Every candidate stock row of the articles, found per article; lock_stock_rows_sql then
// locks them by key in the fixed order (a lock in the per-article probe would take them in
// article order, against everyone else's order).
spi::Statement candidate_rows_sql{
    "SELECT k.facility_ref, k.tenant_article_id"
    "  FROM unnest($1::text[]) AS a(article)"
    " CROSS JOIN LATERAL (SELECT facility_ref, tenant_article_id FROM waitroom.stock"
    "                      WHERE tenant_id = $2 AND tenant_article_id = a.article OFFSET 0) k",
    2};

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
    if (!to_create.empty()) spi::run(create_stock_rows_sql, {stock_keys_json(to_create), tenant()});

    std::vector<std::string> facilities;
    std::vector<std::string> articles;
    for (const auto& entry : reservations) {
        facilities.push_back(entry.first.first);
        articles.push_back(entry.first.second);
    }
    spi::Rows locked =
        spi::run(nowait ? lock_stock_rows_nowait_sql : lock_stock_rows_sql,
                 {spi::array_literal(facilities), spi::array_literal(articles), tenant()});
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
    bool result = false;
    const spi::Subtransaction attempt = spi::in_subtransaction([&] {
        result = lock();
        return true;  // a failed re-check keeps its locks, as at READ COMMITTED
    });
    if (!attempt.undone_by(ERRCODE_T_R_SERIALIZATION_FAILURE)) return result;
    *stale = true;
    return false;
}

void lock_all_candidate_rows(const std::vector<std::string>& articles, bool nowait) {
    std::vector<StockKey> keys;
    for (const spi::Row& r : spi::run(candidate_rows_sql, {spi::array_literal(articles), tenant()}))
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
        spi::run(lock_rows,
                 {spi::array_literal(facilities), spi::array_literal(keyed_articles), tenant()});
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

// ---------------------------------------------------------------- lock attempts

namespace {

// Half of deadlock_timeout: a waiting-room pass gives up before the deadlock detector would
// pick a victim, and defers its plans to the retry queue instead.
// (DeadlockTimeout is read directly: the pg_settings view builds every setting, 0.6 ms a plan.)
spi::Statement bound_lock_wait_sql{
    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', $1, true)", 1};
spi::Statement restore_lock_wait_sql{"SELECT set_config('lock_timeout', $1, true)", 1};

}  // namespace

bool in_lock_attempt(bool bounded, const std::function<bool()>& fn) {
    const spi::Subtransaction attempt = spi::in_subtransaction([&] {
        spi::Value previous;
        if (bounded) {
            const std::string half = std::to_string(std::max(1, DeadlockTimeout / 2)) + "ms";
            previous = spi::run(bound_lock_wait_sql, {half}).at(0).at(0);
        }
        if (!fn()) return false;  // undoes fn's work and the lock_timeout change
        if (bounded) spi::run(restore_lock_wait_sql, {previous});
        return true;
    });
    if (attempt.undone_by(ERRCODE_LOCK_NOT_AVAILABLE)) return false;
    return attempt.kept;
}

}  // namespace waitroom::pg

using waitroom::pg::invoke;

extern "C" {

// BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ... FOR EACH STATEMENT on routing_strategy.
PG_FUNCTION_INFO_V1(waitroom_strategy_changing);
Datum waitroom_strategy_changing(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (!CALLED_AS_TRIGGER(fc)) throw std::logic_error("waitroom: not called as a trigger");
        waitroom::pg::lock_strategy_exclusive();
        return PointerGetDatum(nullptr);
    });
}

// waitroom.lock_tags(): every tag of waitroom's locks, as pg_locks shows them.
PG_FUNCTION_INFO_V1(waitroom_lock_tags);
Datum waitroom_lock_tags(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        waitroom::pg::pg_call([fc]() noexcept {
            using waitroom::pg::LockClass;
            InitMaterializedSRF(fc, 0);
            auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fc->resultinfo);
            for (const LockClass lock : {LockClass::Waiting, LockClass::Pass})
                for (int bucket = 0; bucket < waitroom::pg::kBuckets; ++bucket)
                    waitroom::pg::put_tag(rsinfo, lock, bucket);
            waitroom::pg::put_tag(rsinfo, LockClass::Strategy, -1);
        });
        return Datum(0);
    });
}

// waitroom.article_lock_bucket(tenant_id text, article text): the bucket of the tenant's
// article's locks.
PG_FUNCTION_INFO_V1(waitroom_article_lock_bucket);
Datum waitroom_article_lock_bucket(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        return Int32GetDatum(waitroom::pg::article_bucket(waitroom::pg::text_arg(fc, 0),
                                                          waitroom::pg::text_arg(fc, 1)));
    });
}

}  // extern "C"
