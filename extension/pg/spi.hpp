// SPI access for the C++ side. Every statement is prepared once per backend and kept
// (SPI_prepare + SPI_keepplan). Parameters and results travel as text: SQL casts them,
// which keeps type handling in one place and the C++ free of Datum juggling.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

struct ErrorData;  // utils/elog.h

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

// Rows for one statement, column by column; take() turns each column into one array literal
// (for `unnest($1::uuid[], $2::text[], ...)`: far cheaper for Postgres to read than JSON).
class Columns {
public:
    explicit Columns(std::size_t count) : columns_(count) {}
    void add(std::initializer_list<Value> row);
    [[nodiscard]] bool empty() const { return columns_.empty() || columns_[0].empty(); }
    std::vector<Value> take();  // the literals; leaves the batch empty

private:
    std::vector<std::vector<Value>> columns_;
};

// The values as a Postgres array literal ("{...}"; a missing value is NULL).
std::string array_literal(const std::vector<Value>& values);
std::string array_literal(const std::vector<std::string>& values);

void connect();
void finish();
Rows run(Statement& statement, const std::vector<Value>& params);

// Whether the citus extension is in this database (looked up once per transaction): a few
// statements have a form for Citus (see plan_options in spi.cpp), and the stock trigger skips
// its index probe of the shell tables there.
bool on_citus();

// What became of work run in a subtransaction.
struct Subtransaction {
    bool kept = false;           // fn returned true: its work stays
    ErrorData* error = nullptr;  // a Postgres error undid it (copied out into the caller's
                                 // memory context)
    // Whether an error of this SQLSTATE (ERRCODE_*) undid it; any other error is rethrown.
    [[nodiscard]] bool undone_by(int sqlstate) const;
};

// Runs fn in a subtransaction (the one place waitroom begins and ends one). Keeps fn's work
// when fn returns true; undoes it (its row and article locks too) when fn returns false or
// raises a Postgres error, which it returns. Any other exception is rethrown once undone.
Subtransaction in_subtransaction(const std::function<bool()>& fn);
// Registers the transaction-end reset of the subtransaction count (from _PG_init).
void register_callbacks();

// Accessors for result cells; a missing value where one is required is a bug (throws).
const std::string& text(const Row& row, std::size_t column);
std::int64_t integer(const Row& row, std::size_t column);
double real(const Row& row, std::size_t column);
bool boolean(const Row& row, std::size_t column);

}  // namespace waitroom::pg::spi
