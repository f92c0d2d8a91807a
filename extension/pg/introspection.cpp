// waitroom._statements(): every statement the module prepares through SPI, as
// [{"sql": …, "nargs": n}] (parameters are text). The plan guard suite EXPLAINs each one as
// the generic plan it runs, so a new statement cannot escape it.
#include <nlohmann/json.hpp>
#include <string>

#include "pg/spi.hpp"
// Postgres headers last: they redefine snprintf and friends.
#include "pg/entry.hpp"

extern "C" {
#include "utils/fmgrprotos.h"
}

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
            [&] { result = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr)); });
        return result;
    });
}
}
