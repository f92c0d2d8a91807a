// The stock triggers (SPEC §4: a stock change that raises availability serves the waiting
// room). A row trigger, filtered by its WHEN clause, notes each article whose availability
// rose; the statement trigger then runs one waiting-room pass for all of them. A statement
// that raises nothing (a reservation, a pick) queues no row event and costs one empty check.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "pg/plan_routing.hpp"
#include "pg/spi.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace waitroom::pg {
namespace {

struct RaisedArticle {
    std::string article;
    int nest_level;  // the (sub)transaction that raised it: its abort takes the note back
};

// Noted by the row trigger, taken by the statement trigger at the end of the same statement
// (a statement's row events fire before its statement event). Statements that the pass runs
// itself start from an empty list and take their own notes.
std::vector<RaisedArticle> raised_articles;

void forget_raised(XactEvent /*event*/, void* /*arg*/) { raised_articles.clear(); }

void forget_raised_in_aborted_subxact(SubXactEvent event, SubTransactionId /*sub*/,
                                      SubTransactionId /*parent*/, void* /*arg*/) {
    if (event != SUBXACT_EVENT_ABORT_SUB) return;
    const int level = GetCurrentTransactionNestLevel();
    raised_articles.erase(
        std::remove_if(raised_articles.begin(), raised_articles.end(),
                       [level](const RaisedArticle& r) { return r.nest_level >= level; }),
        raised_articles.end());
}

// Whether `index` of waitroom.`table` leads to a row visible now: the first whose first
// column equals `key`, or (no key) any. An index probe without SPI or a plan: the common
// restock, of an article nobody waits for, costs this and its lock alone.
bool index_has_row(const char* table, const char* index, const std::string* key) {
    bool found = false;
    pg_call([&] {
        const Oid schema = get_namespace_oid("waitroom", false);
        Relation rel = table_open(get_relname_relid(table, schema), AccessShareLock);
        const Oid index_oid = get_relname_relid(index, schema);
        if (!OidIsValid(index_oid)) elog(ERROR, "waitroom: index %s is missing", index);
        ScanKeyData scan_key;
        int nkeys = 0;
        if (key != nullptr) {
            // The key names the table's column (systable_beginscan maps it to the index's), in
            // the index's collation: its order is the one a btree descent must follow.
            Relation index_rel = index_open(index_oid, AccessShareLock);
            const AttrNumber column = index_rel->rd_index->indkey.values[0];
            const Oid collation = index_rel->rd_indcollation[0];
            index_close(index_rel, AccessShareLock);
            ScanKeyEntryInitialize(&scan_key, 0, column, BTEqualStrategyNumber, InvalidOid,
                                   collation, F_TEXTEQ, CStringGetTextDatum(key->c_str()));
            nkeys = 1;
        }
        // The latest snapshot, taken after the pass tried the waiting locks (see
        // waiting_room_pass): it sees every decision to wait that committed before.
        Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
        SysScanDesc scan = systable_beginscan(rel, index_oid, true, snapshot, nkeys, &scan_key);
        found = HeapTupleIsValid(systable_getnext(scan));
        systable_endscan(scan);
        UnregisterSnapshot(snapshot);
        table_close(rel, AccessShareLock);
    });
    return found;
}

// Whether a waiting-room pass has anything to do for these raised articles: a waiting lock
// it cannot take (defer), a plan waiting for one of them, or work earlier passes deferred.
bool pass_has_work(const std::vector<std::string>& articles) {
    if (!try_lock_waiting_exclusive(articles).empty()) return true;
    for (const std::string& article : articles)
        if (index_has_row("routing_plan_line", "waiting_plan_line_by_article", &article))
            return true;
    return index_has_row("reroute_queue", "reroute_queue_pkey", nullptr);
}

TriggerData* trigger_data(FunctionCallInfo fc) {
    if (!CALLED_AS_TRIGGER(fc)) throw std::logic_error("waitroom: not called as a trigger");
    return reinterpret_cast<TriggerData*>(fc->context);
}

}  // namespace

void register_stock_trigger_callbacks() {
    RegisterXactCallback(forget_raised, nullptr);
    RegisterSubXactCallback(forget_raised_in_aborted_subxact, nullptr);
}

}  // namespace waitroom::pg

using waitroom::pg::invoke;
using waitroom::pg::raised_articles;

extern "C" {

// AFTER INSERT / UPDATE ... FOR EACH ROW WHEN (availability rose) on waitroom.stock.
PG_FUNCTION_INFO_V1(waitroom_stock_row_raised);
Datum waitroom_stock_row_raised(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        TriggerData* trigdata = waitroom::pg::trigger_data(fc);
        HeapTuple row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple
                                                                    : trigdata->tg_trigtuple;
        TupleDesc desc = trigdata->tg_relation->rd_att;
        char* article = nullptr;
        waitroom::pg::pg_call([&] {
            bool isnull = false;
            Datum value = heap_getattr(row, SPI_fnumber(desc, "tenant_article_id"), desc, &isnull);
            if (!isnull) article = TextDatumGetCString(value);
        });
        if (article != nullptr)
            raised_articles.push_back({article, GetCurrentTransactionNestLevel()});
        return PointerGetDatum(nullptr);
    });
}

// AFTER INSERT OR UPDATE ... FOR EACH STATEMENT on waitroom.stock: one pass per statement,
// whatever the number of rows.
PG_FUNCTION_INFO_V1(waitroom_stock_changed);
Datum waitroom_stock_changed(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        waitroom::pg::trigger_data(fc);
        if (raised_articles.empty()) return PointerGetDatum(nullptr);
        std::vector<std::string> articles;
        articles.reserve(raised_articles.size());
        for (auto& raised : raised_articles) articles.push_back(std::move(raised.article));
        raised_articles.clear();
        std::sort(articles.begin(), articles.end());
        articles.erase(std::unique(articles.begin(), articles.end()), articles.end());
        if (!waitroom::pg::pass_has_work(articles)) return PointerGetDatum(nullptr);
        namespace spi = waitroom::pg::spi;
        spi::connect();
        waitroom::pg::waiting_room_pass(std::move(articles), nullptr, /*drain=*/true);
        spi::finish();
        return PointerGetDatum(nullptr);
    });
}

}  // extern "C"
