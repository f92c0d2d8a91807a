// release_due(at): pre-orders whose release time has come, then the deferred work
// (waitroomd calls it on its timer and when NOTIFY waitroom_reroute wakes it).
#include "pg/spi.hpp"
#include "pg/unrouted_plan.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "executor/spi.h"
}

namespace waitroom::pg {
namespace {

// Articles of waiting lines whose pre-order is due by `at` (waitroom.due_preorder_articles).
spi::Statement due_articles_sql{"SELECT a FROM waitroom.due_preorder_articles($1::timestamptz) a",
                                1};

}  // namespace
}  // namespace waitroom::pg

using waitroom::pg::invoke;
namespace spi = waitroom::pg::spi;

extern "C" {

PG_FUNCTION_INFO_V1(waitroom_release_due);
Datum waitroom_release_due(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        const std::string at = waitroom::pg::text_arg(fc, 0);
        spi::connect();
        std::vector<std::string> due =
            waitroom::pg::first_column(spi::run(waitroom::pg::due_articles_sql, {at}));
        int changed = waitroom::pg::reactivate_articles(due, &at);
        changed += waitroom::pg::drain_retry_queue(&at);
        spi::finish();
        return Int32GetDatum(changed);
    });
}
}
