// The lock protocol's subtransactions: a lock attempt that can be undone whole.
#include "pg/lock_protocol.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include "pg/spi.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "storage/proc.h"
}

namespace waitroom::pg {
namespace {

// Half of deadlock_timeout: a waiting-room pass gives up before the deadlock detector would
// pick a victim, and defers its plans to the retry queue instead.
// (DeadlockTimeout is read directly: the pg_settings view builds every setting, 0.6 ms a plan.)
spi::Statement bound_lock_wait_sql{
    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', $1, true)", 1};
spi::Statement restore_lock_wait_sql{"SELECT set_config('lock_timeout', $1, true)", 1};

}  // namespace

bool in_lock_attempt(bool bounded, const std::function<bool()>& fn) {
    spi::begin_subtransaction();
    bool keep = false;
    try {
        spi::Value previous;
        if (bounded) {
            const std::string half = std::to_string(std::max(1, DeadlockTimeout / 2)) + "ms";
            previous = spi::run(bound_lock_wait_sql, {half}).at(0).at(0);
        }
        keep = fn();
        if (bounded) spi::run(restore_lock_wait_sql, {previous});
    } catch (const PgError& e) {
        spi::rollback_subtransaction();  // undoes fn's work and the lock_timeout change
        if (e.edata()->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE) return false;
        throw;
    } catch (...) {
        spi::rollback_subtransaction();
        throw;
    }
    if (!keep) {
        spi::rollback_subtransaction();
        return false;
    }
    spi::release_subtransaction();
    return true;
}

}  // namespace waitroom::pg
