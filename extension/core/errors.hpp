// Errors the caller can act on, with the SQLSTATE of SPEC §6. The glue turns them into
// an ERROR with that code; the core never needs to know about Postgres.
#pragma once
#include "cpp_only.hpp"

#include <stdexcept>
#include <string>

namespace waitroom::core {

namespace sqlstate {
inline constexpr const char* kInvalidText = "22P02";       // malformed JSON text
inline constexpr const char* kInvalidParameter = "22023";  // bad field, quantity, line id
inline constexpr const char* kNoDataFound = "P0002";       // unknown order, plan, facility
inline constexpr const char* kObjectNotInState = "55000";  // action not allowed now
inline constexpr const char* kUniqueViolation = "23505";   // tenantOrderId reused, new body
inline constexpr const char* kInternal = "XX000";
}  // namespace sqlstate

class UserError : public std::runtime_error {
public:
    UserError(const char* code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    [[nodiscard]] const char* sqlstate() const { return code_; }

private:
    const char* code_;
};

}  // namespace waitroom::core
