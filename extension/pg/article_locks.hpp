// Waitroom's article locks: two heavyweight locks per article bucket that only this module can
// take (see article_locks.cpp for the protocol and how a DBA sees them in pg_locks).
#pragma once

#include <string>
#include <vector>

namespace waitroom::pg {

// A decision that leaves lines waiting takes the waiting lock shared, then decides again.
void lock_articles_shared(const std::vector<std::string>& articles);
// A statement that raised availability takes it exclusive without waiting. Returns the
// articles it could not take it for: a decision to wait is in flight for them (defer them to
// reroute_queue).
std::vector<std::string> try_lock_waiting_exclusive(const std::vector<std::string>& articles);
// A pass serializes with other passes; waits at most half of deadlock_timeout (false: defer).
bool lock_pass(const std::vector<std::string>& articles);
// Every reader of the routing strategy that decides holds it shared until commit; a change of
// the strategy waits for them, exclusive (see article_locks.cpp).
void lock_strategy_shared();
void lock_strategy_exclusive();

}  // namespace waitroom::pg
