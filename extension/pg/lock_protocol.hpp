// The lock protocol's subtransactions (lock_protocol.cpp); the locks themselves are in
// article_locks.cpp (article and strategy locks) and routing_store.cpp (stock rows).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "pg/routing_store.hpp"

namespace waitroom::pg {

// Runs fn in a subtransaction. Keeps its work and returns true when fn returns true; undoes
// it and returns false when fn returns false or a lock was not available: fn locked NOWAIT,
// or (`bounded`) a lock wait gave up at half of deadlock_timeout, before the
// deadlock detector could pick a victim.
bool in_lock_attempt(bool bounded, const std::function<bool()>& fn);

// Stock row locks (stock_row_locks.cpp).

// Locks the stock rows in (facility_ref, tenant_article_id) byte order and reports whether
// each still has the on_hand/reserved the decision saw. Creates missing rows first.
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

// At REPEATABLE READ / SERIALIZABLE, locking (or creating) a stock row that changed after the
// transaction's snapshot raises 40001: the transaction can neither see the row as it is nor
// lock it. There `lock` runs in a subtransaction; when it meets such a row its work is undone,
// *stale is set and the result is false. At READ COMMITTED it just runs `lock`.
bool lock_in_snapshot(const std::function<bool()>& lock, bool* stale);

}  // namespace waitroom::pg
