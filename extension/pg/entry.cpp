#include "pg/entry.hpp"

#include "pg/spi.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
}

namespace waitroom::pg {
namespace {

spi::Statement order_json_sql{"SELECT waitroom.order_json($1::uuid, $2)::text", 2};

}  // namespace

std::string jsonb_arg_text(FunctionCallInfo fcinfo, int argno) {
    if (PG_ARGISNULL(argno)) return "null";  // SQL NULL reads as JSON null: the core rejects it
    char* cstr = nullptr;
    pg_call([&]() noexcept {
        Jsonb* jb = PG_GETARG_JSONB_P(argno);
        cstr = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
    });
    std::string out(cstr);
    pg_call([&]() noexcept { pfree(cstr); });
    return out;
}

std::string text_arg(FunctionCallInfo fcinfo, int argno) {
    if (PG_ARGISNULL(argno)) return {};
    char* cstr = nullptr;
    pg_call([&]() noexcept { cstr = text_to_cstring(PG_GETARG_TEXT_PP(argno)); });
    std::string out(cstr);
    pg_call([&]() noexcept { pfree(cstr); });
    return out;
}

std::optional<std::string> optional_text_arg(FunctionCallInfo fcinfo, int argno) {
    if (PG_NARGS() <= argno || PG_ARGISNULL(argno)) return std::nullopt;
    return text_arg(fcinfo, argno);
}

Datum finish_with_order_json(const std::string& order_id, const std::string& tenant_id) {
    spi::Rows rows = spi::run(order_json_sql, {order_id, tenant_id});
    return finish_with_json(rows.empty() || !rows[0][0] ? "null" : *rows[0][0]);
}

Datum finish_with_json(const std::string& json_text) {
    spi::finish();
    Datum result = 0;
    const char* cstr = json_text.c_str();
    pg_call([&]() noexcept { result = DirectFunctionCall1(jsonb_in, CStringGetDatum(cstr)); });
    return result;
}

}  // namespace waitroom::pg
