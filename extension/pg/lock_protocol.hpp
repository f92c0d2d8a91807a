// The lock protocol: every lock waitroom takes, in one order (lock_protocol.cpp says which,
// who takes it, and when it must not wait).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/domain.hpp"
#include "pg/routing_store.hpp"

namespace waitroom::pg {

// 1. Order and plan rows (FOR NO KEY UPDATE).

// The order's row; its status, or nullopt when there is no such order.
std::optional<std::string> lock_order(const std::string& order_id);
// The plan's order row, then its plan row (`skip_locked`: SKIP LOCKED); the plan's status, or
// nullopt when there is no such plan or it was skipped.
std::optional<std::string> lock_plan(const std::string& plan_id, bool skip_locked);
// The plans' order and plan rows at once, SKIP LOCKED: (plan id, status) of those locked.
std::vector<std::pair<std::string, std::string>> lock_plans_skip_locked(
    const std::vector<std::string>& plan_ids);
// The plans' order and plan rows by (order_id, plan_no): each order's row before its plans'.
void lock_plans_and_orders(const std::vector<std::string>& plan_ids);
// A facility's row FOR KEY SHARE (assign_facility, after the order and plan rows): it cannot
// be deleted before the commit. Whether it exists.
bool lock_facility_key(const std::string& facility_ref);

// 2. The strategy lock and the article locks (heavyweight locks only this module can take).

// Every reader of the routing strategy that decides holds it shared until commit; a change of
// the strategy waits for them, exclusive.
void lock_strategy_shared();
void lock_strategy_exclusive();
// A pass serializes with other passes; waits at most half of deadlock_timeout (false: defer).
bool lock_pass(const std::vector<std::string>& articles);
// A decision that leaves lines waiting takes the waiting lock shared, then decides again.
void lock_articles_shared(const std::vector<std::string>& articles);
// A statement that raised availability takes it exclusive without waiting. Returns the
// articles it could not take it for: a decision to wait is in flight for them (defer them to
// reroute_queue).
std::vector<std::string> try_lock_waiting_exclusive(const std::vector<std::string>& articles);

// 3. Stock rows, in (facility_ref, tenant_article_id) byte order.

// Locks the stock rows in the fixed order and reports whether each still has the
// on_hand/reserved the decision saw. Creates missing rows first.
// With `nowait`, a row locked by another transaction raises 55P03 instead of waiting.
// `seen`: the offers the decision read; `missing`: those of them without a stock row.
bool lock_and_recheck(const std::map<StockKey, std::int64_t>& reservations,
                      const std::vector<core::Offer>& seen, const std::set<StockKey>& missing,
                      bool nowait);

// Locks every candidate stock row of these articles in the fixed order (the fallback
// when optimistic re-checks keep failing: decisions made after it cannot go stale). At
// REPEATABLE READ / SERIALIZABLE it skips the rows changed since the transaction's snapshot
// (one at a time: locking them raises 40001); a decision that would reserve from one meets
// it again in lock_in_snapshot.
void lock_all_candidate_rows(const std::vector<std::string>& articles, bool nowait);

// Lock attempts that can be undone whole.

// Runs fn in a subtransaction. Keeps its work and returns true when fn returns true; undoes
// it and returns false when fn returns false or a lock was not available: fn locked NOWAIT,
// or (`bounded`) a lock wait gave up at half of deadlock_timeout, before the
// deadlock detector could pick a victim.
bool in_lock_attempt(bool bounded, const std::function<bool()>& fn);

// At REPEATABLE READ / SERIALIZABLE, locking (or creating) a stock row that changed after the
// transaction's snapshot raises 40001: the transaction can neither see the row as it is nor
// lock it. There `lock` runs in a subtransaction; when it meets such a row its work is undone,
// *stale is set and the result is false. At READ COMMITTED it just runs `lock`.
bool lock_in_snapshot(const std::function<bool()>& lock, bool* stale);

}  // namespace waitroom::pg
