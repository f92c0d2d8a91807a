// The stock triggers (SPEC §4: a stock change that raises availability serves the waiting
// room). Row triggers note each article whose availability rose; the statement trigger then
// runs one waiting-room pass for all of them. Updates are noted by a BEFORE row trigger that
// compares the row itself: an AFTER row trigger with the same test as its WHEN clause cost
// 6-8 us a statement (the clause is rebuilt per statement, the row is fetched back), this
// about 1 us. Inserts keep an AFTER trigger, which lets COPY insert in batches.
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "pg/lock_protocol.hpp"
#include "pg/plan_routing.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"
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
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace waitroom::pg {
namespace {

struct RaisedArticle {
    std::string tenant_id;
    std::string article;
    int nest_level;  // the (sub)transaction that raised it: its abort takes the note back
};

// Noted by the row trigger, taken by the statement trigger at the end of the same statement
// (a statement's row events fire before its statement event). Statements that the pass runs
// itself start from an empty list and take their own notes.
std::vector<RaisedArticle> raised_articles;

void forget_raised(XactEvent /*event*/, void* /*arg*/) noexcept { raised_articles.clear(); }

void forget_raised_in_aborted_subxact(SubXactEvent event, SubTransactionId /*sub*/,
                                      SubTransactionId /*parent*/, void* /*arg*/) noexcept {
    if (event != SUBXACT_EVENT_ABORT_SUB) return;
    const int level = GetCurrentTransactionNestLevel();
    raised_articles.erase(
        std::remove_if(raised_articles.begin(), raised_articles.end(),
                       [level](const RaisedArticle& r) { return r.nest_level >= level; }),
        raised_articles.end());
}

// Whether `index` of waitroom.`table` leads to a row visible now: the first whose leading
// columns equal `keys` (at most two). An index probe without SPI or a plan: the common
// restock, of an article nobody waits for, costs this and its lock alone.
bool index_has_row(const char* table, const char* index, const std::vector<std::string>& keys) {
    const std::size_t nkeys = std::min<std::size_t>(keys.size(), 2);
    const char* key_text[2] = {nkeys > 0 ? keys[0].c_str() : nullptr,
                               nkeys > 1 ? keys[1].c_str() : nullptr};
    bool found = false;
    pg_call([&]() noexcept {
        const Oid schema = get_namespace_oid("waitroom", false);
        Relation rel = table_open(get_relname_relid(table, schema), AccessShareLock);
        const Oid index_oid = get_relname_relid(index, schema);
        if (!OidIsValid(index_oid)) elog(ERROR, "waitroom: index %s is missing", index);
        ScanKeyData scan_key[2];
        if (nkeys > 0) {
            // Each key names the table's column (systable_beginscan maps it to the index's), in
            // the index's collation: its order is the one a btree descent must follow.
            Relation index_rel = index_open(index_oid, AccessShareLock);
            for (std::size_t k = 0; k < nkeys; ++k)
                ScanKeyEntryInitialize(&scan_key[k], 0, index_rel->rd_index->indkey.values[k],
                                       BTEqualStrategyNumber, InvalidOid,
                                       index_rel->rd_indcollation[k], F_TEXTEQ,
                                       CStringGetTextDatum(key_text[k]));
            index_close(index_rel, AccessShareLock);
        }
        // The latest snapshot, taken after the pass tried the waiting locks (see
        // waiting_room_pass): it sees every decision to wait that committed before. At
        // SERIALIZABLE, SnapshotSelf instead (what has committed by each row's check, so
        // also after the locks): an MVCC read there would take SIRead locks, and make the
        // caller's COMMIT fail (40001) in a cycle with serializable orders.
        const bool serializable = IsolationIsSerializable();
        Snapshot snapshot = serializable ? SnapshotSelf : RegisterSnapshot(GetLatestSnapshot());
        SysScanDesc scan =
            systable_beginscan(rel, index_oid, true, snapshot, static_cast<int>(nkeys), scan_key);
        found = HeapTupleIsValid(systable_getnext(scan));
        systable_endscan(scan);
        if (!serializable) UnregisterSnapshot(snapshot);
        table_close(rel, AccessShareLock);
    });
    return found;
}

// Whether a waiting-room pass has anything to do for these raised articles (of the call's
// tenant): a waiting lock it cannot take (defer), a plan waiting for one of them, or work
// earlier passes deferred.
bool pass_has_work(const std::vector<std::string>& articles) {
    if (!try_lock_waiting_exclusive(articles).empty()) return true;
    // On Citus the trigger fires on a shard, and the tables index_has_row() opens by name are
    // the empty shell tables: there the pass's own queries (routed to the tenant's shards) decide.
    if (spi::on_citus()) return true;
    for (const std::string& article : articles)
        if (index_has_row("routing_plan_line", "waiting_plan_line_by_article", {article, tenant()}))
            return true;
    return index_has_row("reroute_queue", "reroute_queue_pkey", {tenant()});
}

// At REPEATABLE READ / SERIALIZABLE the pass defers instead of serving (waiting_room_pass
// says why): of the raised articles, those a decision to wait holds (a waiting lock it cannot
// take) or a committed plan waits for. The others need nothing: we hold their waiting locks
// now, so a decision to wait for them that starts later waits for our commit and sees it.
// It does not drain either, so it does not look at reroute_queue.
std::vector<std::string> articles_to_defer(const std::vector<std::string>& articles) {
    std::vector<std::string> deferred = try_lock_waiting_exclusive(articles);
    if (spi::on_citus()) return articles;  // a drain finds out (deferring more costs a drain)
    for (const std::string& article : articles)
        if (std::find(deferred.begin(), deferred.end(), article) == deferred.end() &&
            index_has_row("routing_plan_line", "waiting_plan_line_by_article", {article, tenant()}))
            deferred.push_back(article);
    return deferred;
}

// The same test as the insert trigger's WHEN clause, for an update: the row has more than it
// reserves and its availability rose, or it moved to another (facility, article).
bool availability_rose(HeapTuple old_row, HeapTuple new_row, TupleDesc desc) {
    bool rose = false;
    pg_call([&]() noexcept {
        const int on_hand_no = SPI_fnumber(desc, "on_hand");
        const int reserved_no = SPI_fnumber(desc, "reserved");
        bool null_old = false;  // any NULL read from the old row (columns are NOT NULL)
        bool null_new = false;
        auto int_of = [&](HeapTuple row, int attno, bool* any_null) {
            bool isnull = false;
            const Datum value = heap_getattr(row, attno, desc, &isnull);
            *any_null = *any_null || isnull;
            return isnull ? 0 : DatumGetInt32(value);
        };
        const int32 new_on_hand = int_of(new_row, on_hand_no, &null_new);
        const int32 new_reserved = int_of(new_row, reserved_no, &null_new);
        if (null_new || new_on_hand <= new_reserved) return;
        const int32 old_on_hand = int_of(old_row, on_hand_no, &null_old);
        const int32 old_reserved = int_of(old_row, reserved_no, &null_old);
        if (null_old || new_on_hand > old_on_hand || new_reserved < old_reserved) {
            rose = true;
            return;
        }
        for (const char* key : {"facility_ref", "tenant_article_id", "tenant_id"}) {
            const int attno = SPI_fnumber(desc, key);
            const Datum before = heap_getattr(old_row, attno, desc, &null_old);
            const Datum after = heap_getattr(new_row, attno, desc, &null_new);
            if (null_old || null_new || !datumIsEqual(before, after, false, -1)) {
                rose = true;
                return;
            }
        }
    });
    return rose;
}

void note_article(HeapTuple row, TupleDesc desc) {
    char* tenant_id = nullptr;
    char* article = nullptr;
    pg_call([&]() noexcept {
        bool isnull = false;
        Datum value = heap_getattr(row, SPI_fnumber(desc, "tenant_article_id"), desc, &isnull);
        if (!isnull) article = TextDatumGetCString(value);
        value = heap_getattr(row, SPI_fnumber(desc, "tenant_id"), desc, &isnull);
        if (!isnull) tenant_id = TextDatumGetCString(value);
    });
    if (article != nullptr && tenant_id != nullptr)
        raised_articles.push_back({tenant_id, article, GetCurrentTransactionNestLevel()});
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

// AFTER INSERT ... FOR EACH ROW WHEN (NEW.on_hand > NEW.reserved) on waitroom.stock.
PG_FUNCTION_INFO_V1(waitroom_stock_row_raised);
Datum waitroom_stock_row_raised(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        TriggerData* trigdata = waitroom::pg::trigger_data(fc);
        waitroom::pg::note_article(trigdata->tg_trigtuple, trigdata->tg_relation->rd_att);
        return PointerGetDatum(nullptr);
    });
}

// BEFORE UPDATE ... FOR EACH ROW on waitroom.stock: notes the article when availability rose,
// and returns the row unchanged. A noted row whose update then does not happen (the statement
// fails, a concurrent delete) costs at most a pass that finds nothing to do.
PG_FUNCTION_INFO_V1(waitroom_stock_row_updating);
Datum waitroom_stock_row_updating(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        TriggerData* trigdata = waitroom::pg::trigger_data(fc);
        if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
            !TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
            throw std::logic_error("waitroom: stock_row_updating must be BEFORE UPDATE");
        TupleDesc desc = trigdata->tg_relation->rd_att;
        if (waitroom::pg::availability_rose(trigdata->tg_trigtuple, trigdata->tg_newtuple, desc))
            waitroom::pg::note_article(trigdata->tg_newtuple, desc);
        return PointerGetDatum(trigdata->tg_newtuple);
    });
}

// AFTER INSERT OR UPDATE ... FOR EACH STATEMENT on waitroom.stock: one pass per statement,
// whatever the number of rows.
PG_FUNCTION_INFO_V1(waitroom_stock_changed);
Datum waitroom_stock_changed(PG_FUNCTION_ARGS) {
    return invoke(fcinfo, [](FunctionCallInfo fc) -> Datum {
        waitroom::pg::trigger_data(fc);
        if (raised_articles.empty()) return PointerGetDatum(nullptr);
        // One pass per tenant, in tenant order: no pass crosses tenants (SPEC §7).
        std::map<std::string, std::vector<std::string>> by_tenant;
        for (auto& raised : raised_articles)
            by_tenant[raised.tenant_id].push_back(std::move(raised.article));
        raised_articles.clear();
        namespace spi = waitroom::pg::spi;
        bool connected = false;
        for (auto& [tenant_id, articles] : by_tenant) {
            const waitroom::pg::TenantScope scope(tenant_id);
            std::sort(articles.begin(), articles.end());
            articles.erase(std::unique(articles.begin(), articles.end()), articles.end());
            if (IsolationUsesXactSnapshot())
                articles = waitroom::pg::articles_to_defer(articles);
            else if (!waitroom::pg::pass_has_work(articles))
                continue;
            if (articles.empty()) continue;
            if (!connected) spi::connect();
            connected = true;
            waitroom::pg::waiting_room_pass(std::move(articles), nullptr, /*drain=*/true);
        }
        if (connected) spi::finish();
        return PointerGetDatum(nullptr);
    });
}

}  // extern "C"
