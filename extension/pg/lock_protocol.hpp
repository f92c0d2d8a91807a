// The lock protocol's subtransactions (lock_protocol.cpp); the locks themselves are in
// article_locks.cpp (article and strategy locks) and routing_store.cpp (stock rows).
#pragma once

#include <functional>

namespace waitroom::pg {

// Runs fn in a subtransaction. Keeps its work and returns true when fn returns true; undoes
// it and returns false when fn returns false or a lock was not available: fn locked NOWAIT,
// or (`bounded`) a lock wait gave up at half of deadlock_timeout, before the
// deadlock detector could pick a victim.
bool in_lock_attempt(bool bounded, const std::function<bool()>& fn);

}  // namespace waitroom::pg
