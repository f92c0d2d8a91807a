// The wall between C++ and Postgres (after pg_duckdb and cppgres):
// - pg_call(fn) runs Postgres code under PG_TRY. A Postgres ERROR there becomes a C++
//   PgError, so it unwinds C++ frames with their destructors instead of longjmp-ing past them.
//   fn itself must hold no C++ object with a destructor, and must be noexcept (checked).
// - invoke(fcinfo, impl) is every SQL entry point: it catches every C++ exception, leaves the
//   catch block, and only then raises the ERROR, keeping the SQLSTATE (and, for a Postgres
//   error, its detail and hint). First it checks that the database's SQL objects are this
//   module's version (module_version.hpp).
// Include core headers before this one: they refuse to compile after postgres.h.
#pragma once

#include <cstdio>
#include <cstring>
#include <exception>
#include <type_traits>

#include "core/errors.hpp"
#include "pg/module_version.hpp"

extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}

namespace waitroom::pg {

class PgError : public std::exception {
public:
    explicit PgError(ErrorData* edata) : edata_(edata) {}
    [[nodiscard]] ErrorData* edata() const { return edata_; }
    [[nodiscard]] const char* what() const noexcept override {
        return edata_->message != nullptr ? edata_->message : "postgres error";
    }

private:
    ErrorData* edata_;
};

template <typename Fn>
void pg_call(Fn&& fn) {
    // A C++ exception must never reach PG_TRY: its longjmp-based catch cannot see it, and it
    // would unwind past Postgres's error state. So fn must say it throws nothing.
    static_assert(std::is_nothrow_invocable_v<Fn&>,
                  "pg_call: the callable must be noexcept (mark the lambda noexcept)");
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData* volatile edata = nullptr;
    PG_TRY();
    { fn(); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller_context);
        edata = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (edata != nullptr) throw PgError(edata);
}

template <typename Impl>
Datum invoke(FunctionCallInfo fcinfo, Impl impl) {
    ErrorData* pg_error = nullptr;
    bool failed = false;
    char code[6] = "XX000";
    char message[1024] = "";
    Datum result = 0;
    try {
        require_matching_sql_objects();
        result = impl(fcinfo);
    } catch (const PgError& e) {
        pg_error = e.edata();
    } catch (const core::UserError& e) {
        failed = true;
        std::memcpy(code, e.sqlstate(), 5);
        snprintf(message, sizeof message, "%s", e.what());
    } catch (const std::exception& e) {
        failed = true;
        snprintf(message, sizeof message, "waitroom internal error: %s", e.what());
    } catch (...) {
        failed = true;
        snprintf(message, sizeof message, "waitroom internal error: unknown C++ exception");
    }
    // Outside every catch block: the exception objects are gone, ereport may longjmp.
    if (pg_error != nullptr) ReThrowError(pg_error);
    if (failed)
        ereport(ERROR, (errcode(MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4])),
                        errmsg("%s", message)));
    return result;
}

}  // namespace waitroom::pg
