// Introspection for tests and DBAs (sql/src/90_introspection.sql):
// - waitroom._statements(): every statement the module prepares through SPI, as
//   [{"sql": …, "nargs": n}] (parameters are text). The plan guard suite EXPLAINs each one as
//   the generic plan it runs, so a new statement cannot escape it.
// - waitroom._routines_used(sql, nargs): the functions and operators a statement text
//   resolves to, by parse analysis under the caller's search_path.
// - waitroom._record_routines() / _recorded_routines(): the same for every statement the
//   session analyzes inside a function or trigger (SPI, PL/pgSQL, SQL function bodies), with
//   the variables of PL/pgSQL bound as PL/pgSQL binds them, which a statement's text alone
//   cannot give.
// The search_path suite (26) plants overrides of all of them.
// The Postgres side is plain C: it runs inside pg_call and holds no C++ object; a statement
// that fails analysis is undone by spi::in_subtransaction.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "pg/spi.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/regproc.h"
#include "utils/tuplestore.h"
}

namespace {

// One use of a routine by one statement. kind: 'f' function, 'a' aggregate, 'w' window
// function, 'o' operator.
struct RoutineUse {
    char kind;
    Oid oid;
    uint64 query_id;
};

struct Collector {
    List* uses;  // of RoutineUse*
    uint64 query_id;
    MemoryContext context;  // where uses live
};

void note(Collector* collector, char kind, Oid oid) {
    ListCell* cell = nullptr;
    foreach (cell, collector->uses) {
        const auto* use = static_cast<const RoutineUse*>(lfirst(cell));
        if (use->kind == kind && use->oid == oid && use->query_id == collector->query_id) return;
    }
    MemoryContext old = MemoryContextSwitchTo(collector->context);
    auto* use = static_cast<RoutineUse*>(palloc(sizeof(RoutineUse)));
    use->kind = kind;
    use->oid = oid;
    use->query_id = collector->query_id;
    collector->uses = lappend(collector->uses, use);
    MemoryContextSwitchTo(old);
}

// Every node that names a function or operator the parser looked up by name. Sublinks,
// subqueries, CTEs and FROM functions are Query or expression nodes the walkers descend into.
bool collect_walker(Node* node, void* context) {
    if (node == nullptr) return false;
    auto* collector = static_cast<Collector*>(context);
    // PG15 declares walkers unprototyped; void (*)() converts to any function type silently.
    auto* walker = reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(collect_walker));
    switch (nodeTag(node)) {
        case T_Query:
            return query_tree_walker(reinterpret_cast<Query*>(node), walker, context, 0);
        case T_FuncExpr:
            note(collector, 'f', reinterpret_cast<FuncExpr*>(node)->funcid);
            break;
        case T_OpExpr:
        case T_DistinctExpr:  // same struct as OpExpr
        case T_NullIfExpr:
            note(collector, 'o', reinterpret_cast<OpExpr*>(node)->opno);
            break;
        case T_ScalarArrayOpExpr:
            note(collector, 'o', reinterpret_cast<ScalarArrayOpExpr*>(node)->opno);
            break;
        case T_RowCompareExpr: {
            ListCell* cell = nullptr;
            foreach (cell, reinterpret_cast<RowCompareExpr*>(node)->opnos)
                note(collector, 'o', lfirst_oid(cell));
            break;
        }
        case T_Aggref:
            note(collector, 'a', reinterpret_cast<Aggref*>(node)->aggfnoid);
            break;
        case T_WindowFunc:
            note(collector, 'w', reinterpret_cast<WindowFunc*>(node)->winfnoid);
            break;
        default:
            break;
    }
    return expression_tree_walker(node, walker, context);
}

const char* kind_name(char kind) {
    switch (kind) {
        case 'f':
            return "function";
        case 'a':
            return "aggregate";
        case 'w':
            return "window";
        default:
            return "operator";
    }
}

// Schema-qualified, so that the text casts back to regprocedure/regoperator anywhere.
char* signature(const RoutineUse* use) {
    return use->kind == 'o' ? format_operator_extended(use->oid, FORMAT_OPERATOR_FORCE_QUALIFY)
                            : format_procedure_extended(use->oid, FORMAT_PROC_FORCE_QUALIFY);
}

void put_row(ReturnSetInfo* rsinfo, const char* kind, const char* text, const uint64* query_id,
             const char* statement) {
    Datum values[4] = {CStringGetTextDatum(kind), 0, 0, 0};
    bool nulls[4] = {false, text == nullptr, query_id == nullptr, statement == nullptr};
    if (text != nullptr) values[1] = CStringGetTextDatum(text);
    if (query_id != nullptr) values[2] = Int64GetDatum(static_cast<int64>(*query_id));
    if (statement != nullptr) values[3] = CStringGetTextDatum(statement);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

// Analyzes one raw statement and collects its routines. Plain C: runs inside pg_call.
void analyze(RawStmt* raw, const char* sql, int nargs, Collector* collector,
             const char** utility_tag) {
    Query* query = nullptr;
    if (nargs >= 0) {
        Oid* types = static_cast<Oid*>(palloc(sizeof(Oid) * (nargs + 1)));
        for (int i = 0; i < nargs; i++) types[i] = TEXTOID;
        query = parse_analyze_fixedparams(raw, sql, types, nargs, nullptr);
    } else {
        Oid* types = nullptr;
        int count = 0;
        query = parse_analyze_varparams(raw, sql, &types, &count, nullptr);
    }
    if (query->commandType == CMD_UTILITY)
        *utility_tag = GetCommandTagName(CreateCommandTag(query->utilityStmt));
    else
        collect_walker(reinterpret_cast<Node*>(query), collector);
}

// Each statement is analyzed in a subtransaction: a parse-analysis error becomes a row
// ('error', message), its work undone.
Datum routines_used(FunctionCallInfo fcinfo) {
    using waitroom::pg::pg_call;
    ReturnSetInfo* rsinfo = nullptr;
    char* sql = nullptr;
    int nargs = -1;
    List* raw_statements = NIL;
    pg_call([&]() noexcept {
        InitMaterializedSRF(fcinfo, 0);
        rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        if (PG_ARGISNULL(0)) return;
        sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
        nargs = PG_ARGISNULL(1) ? -1 : PG_GETARG_INT32(1);
        raw_statements = raw_parser(sql, RAW_PARSE_DEFAULT);
    });
    ListCell* cell = nullptr;
    foreach (cell, raw_statements) {
        auto* raw = lfirst_node(RawStmt, cell);
        Collector collector{NIL, 0, CurrentMemoryContext};
        const char* utility_tag = nullptr;
        const waitroom::pg::spi::Subtransaction analysis =
            waitroom::pg::spi::in_subtransaction([&] {
                pg_call([&]() noexcept { analyze(raw, sql, nargs, &collector, &utility_tag); });
                return true;
            });
        pg_call([&]() noexcept {
            if (analysis.error != nullptr)
                put_row(rsinfo, "error",
                        analysis.error->message != nullptr ? analysis.error->message : "error",
                        nullptr, nullptr);
            if (utility_tag != nullptr) put_row(rsinfo, "utility", utility_tag, nullptr, nullptr);
            ListCell* use_cell = nullptr;
            foreach (use_cell, collector.uses) {
                const auto* use = static_cast<const RoutineUse*>(lfirst(use_cell));
                put_row(rsinfo, kind_name(use->kind), signature(use), nullptr, nullptr);
            }
        });
    }
    return 0;
}

// ---------------------------------------------------------------- the session recorder

struct RecordedStatement {
    uint64 query_id;
    char* text;
};

post_parse_analyze_hook_type previous_post_parse_analyze = nullptr;
bool recording = false;
Collector recorded{NIL, 0, nullptr};
List* recorded_statements = NIL;  // of RecordedStatement*

void record_statement(ParseState* pstate, Query* query) {
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    const char* source = pstate->p_sourcetext;
    char* text = query->stmt_len > 0 ? pnstrdup(source + query->stmt_location, query->stmt_len)
                                     : pstrdup(source + std::max(query->stmt_location, 0));
    bool seen = false;
    ListCell* cell = nullptr;
    foreach (cell, recorded_statements) {
        const auto* statement = static_cast<const RecordedStatement*>(lfirst(cell));
        if (statement->query_id == query->queryId && strcmp(statement->text, text) == 0)
            seen = true;
    }
    if (!seen) {
        auto* statement = static_cast<RecordedStatement*>(palloc(sizeof(RecordedStatement)));
        statement->query_id = query->queryId;
        statement->text = text;
        recorded_statements = lappend(recorded_statements, statement);
    }
    MemoryContextSwitchTo(old);
}

// Statements the session sends itself have debug_query_string as their source text; those
// of SPI, PL/pgSQL and SQL functions have their own.
void record_post_parse_analyze(ParseState* pstate, Query* query, JumbleState* jstate) {
    if (previous_post_parse_analyze != nullptr) previous_post_parse_analyze(pstate, query, jstate);
    if (!recording || pstate == nullptr || pstate->p_sourcetext == nullptr ||
        pstate->p_sourcetext == debug_query_string)
        return;
    record_statement(pstate, query);
    if (query->commandType == CMD_UTILITY) return;
    recorded.query_id = query->queryId;
    collect_walker(reinterpret_cast<Node*>(query), &recorded);
}

Datum recorded_routines(FunctionCallInfo fcinfo) {
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    ListCell* cell = nullptr;
    foreach (cell, recorded_statements) {
        const auto* statement = static_cast<const RecordedStatement*>(lfirst(cell));
        put_row(rsinfo, "statement", nullptr, &statement->query_id, statement->text);
    }
    foreach (cell, recorded.uses) {
        const auto* use = static_cast<const RoutineUse*>(lfirst(cell));
        put_row(rsinfo, kind_name(use->kind), signature(use), &use->query_id, nullptr);
    }
    return 0;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(waitroom_statements);
Datum waitroom_statements(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo, [](FunctionCallInfo) -> Datum {
        nlohmann::json out = nlohmann::json::array();
        for (const auto* statement : waitroom::pg::spi::registered_statements())
            out.push_back({{"sql", statement->sql}, {"nargs", statement->nargs}});
        const std::string text = out.dump();
        const char* cstr = text.c_str();
        Datum result = 0;
        waitroom::pg::pg_call(
            [&]() noexcept { result = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr)); });
        return result;
    });
}

PG_FUNCTION_INFO_V1(waitroom_routines_used);
Datum waitroom_routines_used(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo,
                                [](FunctionCallInfo call) -> Datum { return routines_used(call); });
}

PG_FUNCTION_INFO_V1(waitroom_record_routines);
Datum waitroom_record_routines(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo, [](FunctionCallInfo) -> Datum {
        if (!recording) {
            recorded.context = TopMemoryContext;
            previous_post_parse_analyze = post_parse_analyze_hook;
            post_parse_analyze_hook = record_post_parse_analyze;
            recording = true;
        }
        return 0;
    });
}

PG_FUNCTION_INFO_V1(waitroom_recorded_routines);
Datum waitroom_recorded_routines(PG_FUNCTION_ARGS) {
    return waitroom::pg::invoke(fcinfo, [](FunctionCallInfo call) -> Datum {
        Datum result = 0;
        waitroom::pg::pg_call([&]() noexcept { result = recorded_routines(call); });
        return result;
    });
}
}
