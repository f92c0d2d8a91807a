// SPI access for the C++ side. Every statement is prepared once per backend and kept
// (SPI_prepare + SPI_keepplan). Parameters and results travel as text: SQL casts them,
// which keeps type handling in one place and the C++ free of Datum juggling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace waitroom::pg::spi {

using Value = std::optional<std::string>;
using Row = std::vector<Value>;
using Rows = std::vector<Row>;

// Every Statement registers itself at load time, so that the list of statements waitroom
// prepares comes from the code (waitroom._statements(), read by the plan guard suite).
struct Statement {
    Statement(const char* sql_text, int arg_count);
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement() = default;

    const char* sql;
    int nargs;
    void* plan = nullptr;  // SPIPlanPtr, kept for the backend's lifetime
};

// Every statement of the module, in load order.
const std::vector<const Statement*>& registered_statements();

void connect();
void finish();
Rows run(Statement& statement, const std::vector<Value>& params);

// Subtransaction around a lock attempt: rolled back, it releases the row locks taken in it.
void begin_subtransaction();
void release_subtransaction();
void rollback_subtransaction();
// Registers the transaction-end reset of the subtransaction count (from _PG_init).
void register_callbacks();

// Accessors for result cells; a missing value where one is required is a bug (throws).
const std::string& text(const Row& row, std::size_t column);
std::int64_t integer(const Row& row, std::size_t column);
double real(const Row& row, std::size_t column);
bool boolean(const Row& row, std::size_t column);

}  // namespace waitroom::pg::spi
