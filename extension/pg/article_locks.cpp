// Two locks per article bucket (1024 buckets by hash, so that a 10,000-row import holds a
// bounded number of locks; transaction-scoped; taken in ascending bucket order):
// - the pass lock: restock passes serialize on it (exclusive), so of two restocks that one
//   waiting bundle needs, the second sees the first's stock;
// - the waiting lock: a decision that leaves lines waiting holds it shared until commit;
//   every statement that raises an article's availability takes it exclusive without
//   waiting (deferring to reroute_queue when it cannot). So a decision to wait either sees a
//   restock (it waited for its commit) or is seen by the restock's deferral; a restock never
//   waits for a place_order, which may be waiting for a stock row the restock holds.
//
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
// any class are its own. A DBA sees them in pg_locks as
//   locktype = 'advisory', database = the database's oid, classid = 7 (waiting), 8 (pass) or
//   9 (strategy), objid = the bucket (hashtext(article) & 1023; 0 for the strategy), objsubid =
//   22354, mode = 'ShareLock' or 'ExclusiveLock'
// (pg_blocking_pids() and the wait event "Lock: advisory" name them as for any lock).
#include "pg/article_locks.hpp"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pg/lock_protocol.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "catalog/pg_collation.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
}

namespace waitroom::pg {
namespace {

// The fourth field of our lock tags: 0x5752, "WR" in ASCII.
constexpr uint16 kArticleLockSpace = 0x5752;

enum class ArticleLock : uint32 { Waiting = 7, Pass = 8, Strategy = 9 };

// An article's lock bucket: hashtext(article) & 1023 (hashtext itself, called directly: no
// function a caller's search_path could put in its place).
int article_bucket(const std::string& article) {
    int32 hash = 0;
    pg_call([&] {
        text* t = cstring_to_text_with_len(article.data(), static_cast<int>(article.size()));
        hash = DatumGetInt32(
            DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, PointerGetDatum(t)));
        pfree(t);
    });
    return hash & 1023;
}

// The articles by bucket; ordered: buckets in ascending order.
std::map<int, std::vector<std::string>> by_bucket(const std::vector<std::string>& articles) {
    std::map<int, std::vector<std::string>> buckets;
    for (const auto& article : articles) buckets[article_bucket(article)].push_back(article);
    return buckets;
}

// Transaction-scoped: released at commit or abort, and by the rollback of the subtransaction
// that took it. Returns false when `dont_wait` and another transaction holds it.
bool acquire(ArticleLock lock, int bucket, LOCKMODE mode, bool dont_wait) {
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, static_cast<uint32>(lock), static_cast<uint32>(bucket),
                         kArticleLockSpace);
    LockAcquireResult result = LOCKACQUIRE_NOT_AVAIL;
    pg_call([&] { result = LockAcquire(&tag, mode, /*sessionLock=*/false, dont_wait); });
    return result != LOCKACQUIRE_NOT_AVAIL;
}

void lock_buckets(ArticleLock lock, const std::vector<std::string>& articles, LOCKMODE mode) {
    for (const auto& entry : by_bucket(articles))
        acquire(lock, entry.first, mode, /*dont_wait=*/false);
}

}  // namespace

std::vector<std::string> try_lock_waiting_exclusive(const std::vector<std::string>& articles) {
    std::vector<std::string> refused;
    for (const auto& [bucket, in_bucket] : by_bucket(articles))
        if (!acquire(ArticleLock::Waiting, bucket, ExclusiveLock, /*dont_wait=*/true))
            refused.insert(refused.end(), in_bucket.begin(), in_bucket.end());
    return refused;
}

// The wait is bounded by lock_timeout, which in_lock_attempt sets.
bool lock_pass(const std::vector<std::string>& articles) {
    if (articles.empty()) return true;
    return in_lock_attempt(/*bounded=*/true, [&] {
        lock_buckets(ArticleLock::Pass, articles, ExclusiveLock);
        return true;
    });
}

void lock_articles_shared(const std::vector<std::string>& articles) {
    lock_buckets(ArticleLock::Waiting, articles, ShareLock);
}

void lock_strategy_shared() { acquire(ArticleLock::Strategy, 0, ShareLock, /*dont_wait=*/false); }

// Tried without waiting, every millisecond for up to 5 s, and only then waited for: a request
// waiting in the lock's queue would hold up every later decision's shared request behind it,
// and a decision that already holds row locks would then wait in a cycle the deadlock
// detector has to break. Once held, the change runs only a pass, whose waits are bounded.
void lock_strategy_exclusive() {
    for (int attempt = 0; attempt < 5000; ++attempt) {
        if (acquire(ArticleLock::Strategy, 0, ExclusiveLock, /*dont_wait=*/true)) return;
        pg_call([] {
            CHECK_FOR_INTERRUPTS();
            pg_usleep(1000L);
        });
    }
    acquire(ArticleLock::Strategy, 0, ExclusiveLock, /*dont_wait=*/false);
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

}  // extern "C"
