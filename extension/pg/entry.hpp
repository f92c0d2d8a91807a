// Helpers shared by the SQL entry points: arguments in, the order JSON out.
#pragma once

#include <optional>
#include <string>

#include "pg/guard.hpp"

namespace waitroom::pg {

// The jsonb argument as JSON text.
std::string jsonb_arg_text(FunctionCallInfo fcinfo, int argno);
// A text argument, or "" when NULL.
std::string text_arg(FunctionCallInfo fcinfo, int argno);

// Reads waitroom.order_json(order_id, tenant_id), ends SPI, and returns it as a jsonb Datum
// allocated in the caller's memory context (SPI memory is gone after SPI_finish).
Datum finish_with_order_json(const std::string& order_id, const std::string& tenant_id);
// The optional text argument `argno` (absent or NULL: nullopt).
std::optional<std::string> optional_text_arg(FunctionCallInfo fcinfo, int argno);
// Ends SPI and returns this JSON text as a jsonb Datum in the caller's memory context.
Datum finish_with_json(const std::string& json_text);

}  // namespace waitroom::pg
