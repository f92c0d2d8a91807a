#include "pg/spi.hpp"

#include <functional>
#include <stdexcept>

#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
}

namespace waitroom::pg::spi {
namespace {

constexpr int kMaxArgs = 16;

// Where the caller was before each open subtransaction started: restored when it ends.
// Subtransactions nest (a waiting-room pass wraps each plan, and routing a plan locks rows
// in one of its own).
constexpr int kMaxSubtransactionDepth = 8;
MemoryContext subxact_context[kMaxSubtransactionDepth];
ResourceOwner subxact_owner[kMaxSubtransactionDepth];
int subxact_depth = 0;

std::vector<const Statement*>& registry() {
    static std::vector<const Statement*> statements;  // built before main(), read-only after
    return statements;
}

}  // namespace

Statement::Statement(const char* sql_text, int arg_count) : sql(sql_text), nargs(arg_count) {
    registry().push_back(this);
}

const std::vector<const Statement*>& registered_statements() { return registry(); }

void Columns::add(std::initializer_list<Value> row) {
    if (row.size() != columns_.size()) throw std::logic_error("waitroom: row of the wrong width");
    std::size_t i = 0;
    for (const Value& value : row) columns_[i++].push_back(value);
}

std::vector<Value> Columns::take() {
    std::vector<Value> literals;
    literals.reserve(columns_.size());
    for (auto& column : columns_) {
        literals.emplace_back(array_literal(column));
        column.clear();
    }
    return literals;
}

namespace {
void append_element(std::string& out, const std::string& value) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}
}  // namespace

std::string array_literal(const std::vector<Value>& values) {
    std::string out = "{";
    for (const Value& value : values) {
        if (value) {
            append_element(out, *value);
        } else {
            out += out.size() > 1 ? ",NULL" : "NULL";
        }
    }
    return out + "}";
}

std::string array_literal(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const std::string& value : values) append_element(out, value);
    return out + "}";
}

void connect() {
    pg_call([]() noexcept {
        if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "waitroom: SPI_connect failed");
    });
}

void finish() {
    pg_call([]() noexcept { SPI_finish(); });
}

namespace {

// Copies SPI's result out into C++ values, then frees it.
Rows take_result() {
    uint64 nrows = 0;
    int natts = 0;
    char** cells = nullptr;  // nrows * natts, palloc'd in the SPI context
    SPITupleTable* table = nullptr;
    pg_call([&]() noexcept {
        table = SPI_tuptable;
        if (table == nullptr) return;
        nrows = SPI_processed;
        natts = table->tupdesc->natts;
        cells = static_cast<char**>(palloc0(sizeof(char*) * (nrows * natts + 1)));
        // Each column's output function looked up once, not once per cell as SPI_getvalue
        // does (1,200 cells of a 3-line order's candidate read cost 1 M instructions so).
        auto* output = static_cast<FmgrInfo*>(palloc0(sizeof(FmgrInfo) * (natts + 1)));
        for (int c = 0; c < natts; ++c) {
            Oid function = InvalidOid;
            bool varlena = false;
            getTypeOutputInfo(TupleDescAttr(table->tupdesc, c)->atttypid, &function, &varlena);
            fmgr_info(function, &output[c]);
        }
        for (uint64 r = 0; r < nrows; ++r)
            for (int c = 0; c < natts; ++c) {
                bool isnull = false;
                const Datum value = SPI_getbinval(table->vals[r], table->tupdesc, c + 1, &isnull);
                if (!isnull) cells[r * natts + c] = OutputFunctionCall(&output[c], value);
            }
        pfree(output);
    });
    Rows rows;
    rows.reserve(nrows);
    for (uint64 r = 0; r < nrows; ++r) {
        Row row;
        row.reserve(natts);
        for (int c = 0; c < natts; ++c) {
            const char* cell = cells[r * natts + c];
            row.push_back(cell != nullptr ? Value(cell) : std::nullopt);
        }
        rows.push_back(std::move(row));
    }
    if (table != nullptr) {
        pg_call([&]() noexcept {
            for (uint64 i = 0; i < nrows * natts; ++i)
                if (cells[i] != nullptr) pfree(cells[i]);
            pfree(cells);
            SPI_freetuptable(table);
        });
    }
    return rows;
}

}  // namespace

namespace {
// On Citus (the citus extension in this database) a generic plan keeps the tenant a
// parameter: Citus then cannot route a statement with a subquery or a join to the tenant's
// shard ("could not create distributed plan"). Custom plans there: the planner sees the
// tenant as a constant and routes each statement to one shard (local execution inside a
// delegated call or a shard trigger).
int plan_options() { return on_citus() ? CURSOR_OPT_CUSTOM_PLAN : CURSOR_OPT_GENERIC_PLAN; }
}  // namespace

bool on_citus() {
    static LocalTransactionId checked_in = InvalidLocalTransactionId;
    static bool present = false;
    if (checked_in != MyProc->lxid) {
        pg_call([&]() noexcept { present = OidIsValid(get_extension_oid("citus", true)); });
        checked_in = MyProc->lxid;
    }
    return present;
}

Rows run(Statement& statement, const std::vector<Value>& params) {
    if (static_cast<int>(params.size()) != statement.nargs || statement.nargs > kMaxArgs)
        throw std::logic_error(std::string("wrong parameter count for: ") + statement.sql);
    const char* cparams[kMaxArgs] = {};
    for (std::size_t i = 0; i < params.size(); ++i)
        cparams[i] = params[i] ? params[i]->c_str() : nullptr;

    // Outside pg_call: on_citus() may read the catalog (its own pg_call).
    const int options = statement.plan == nullptr ? plan_options() : 0;
    pg_call([&]() noexcept {
        if (statement.plan == nullptr) {
            Oid types[kMaxArgs];
            for (Oid& type : types) type = TEXTOID;
            // Generic plans: every statement here is a keyed lookup or write whose plan does
            // not depend on the values, and the plan cache otherwise kept re-planning some of
            // them as custom plans on every call.
            SPIPlanPtr plan = SPI_prepare_cursor(statement.sql, statement.nargs, types, options);
            if (plan == nullptr)
                elog(ERROR, "waitroom: SPI_prepare failed (%s): %s",
                     SPI_result_code_string(SPI_result), statement.sql);
            SPI_keepplan(plan);
            statement.plan = plan;
        }
        Datum values[kMaxArgs];
        char nulls[kMaxArgs];
        for (int i = 0; i < statement.nargs; ++i) {
            values[i] = cparams[i] != nullptr ? CStringGetTextDatum(cparams[i]) : (Datum)0;
            nulls[i] = cparams[i] != nullptr ? ' ' : 'n';
        }
        int rc = SPI_execute_plan(static_cast<SPIPlanPtr>(statement.plan), values, nulls, false, 0);
        if (rc < 0)
            elog(ERROR, "waitroom: SPI_execute_plan failed: %s", SPI_result_code_string(rc));
    });
    return take_result();
}

namespace {
// A transaction that ends (an ERROR included) ends every subtransaction begun in it.
void reset_subtransactions(XactEvent event, void* /*arg*/) noexcept {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE)
        subxact_depth = 0;
}
}  // namespace

void register_callbacks() { RegisterXactCallback(reset_subtransactions, nullptr); }

namespace {

void begin_subtransaction() {
    if (subxact_depth >= kMaxSubtransactionDepth)
        throw std::logic_error("waitroom: subtransactions nested too deep");
    pg_call([]() noexcept {
        subxact_context[subxact_depth] = CurrentMemoryContext;
        subxact_owner[subxact_depth] = CurrentResourceOwner;
        BeginInternalSubTransaction(nullptr);
        MemoryContextSwitchTo(subxact_context[subxact_depth]);
    });
    ++subxact_depth;
}

void release_subtransaction() {
    if (subxact_depth <= 0) throw std::logic_error("waitroom: no subtransaction to end");
    pg_call([]() noexcept {
        ReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(subxact_context[subxact_depth - 1]);
        CurrentResourceOwner = subxact_owner[subxact_depth - 1];
    });
    --subxact_depth;  // only once it ended: a failure leaves the count matching Postgres
}

void rollback_subtransaction() {
    if (subxact_depth <= 0) throw std::logic_error("waitroom: no subtransaction to end");
    pg_call([]() noexcept {
        RollbackAndReleaseCurrentSubTransaction();
        MemoryContextSwitchTo(subxact_context[subxact_depth - 1]);
        CurrentResourceOwner = subxact_owner[subxact_depth - 1];
    });
    --subxact_depth;  // only once it ended: a failure leaves the count matching Postgres
}

}  // namespace

Subtransaction in_subtransaction(const std::function<bool()>& fn) {
    begin_subtransaction();
    Subtransaction result;
    try {
        result.kept = fn();
    } catch (const PgError& e) {
        result.error = e.edata();
    } catch (...) {
        rollback_subtransaction();  // never leave an internal subtransaction open
        throw;
    }
    if (result.kept)
        release_subtransaction();
    else
        rollback_subtransaction();
    return result;
}

bool Subtransaction::undone_by(int sqlstate) const {
    if (error == nullptr) return false;
    if (error->sqlerrcode != sqlstate) throw PgError(error);
    return true;
}

const std::string& text(const Row& row, std::size_t column) {
    if (column >= row.size() || !row[column])
        throw std::logic_error("unexpected NULL in column " + std::to_string(column));
    return *row[column];
}

std::int64_t integer(const Row& row, std::size_t column) { return std::stoll(text(row, column)); }

double real(const Row& row, std::size_t column) { return std::stod(text(row, column)); }

bool boolean(const Row& row, std::size_t column) { return text(row, column) == "t"; }

}  // namespace waitroom::pg::spi
