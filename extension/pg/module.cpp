// The module: magic block, settings and transaction callbacks.
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/waiting_room.hpp"
// Postgres headers last.
#include "pg/guard.hpp"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

extern "C" void _PG_init(void) {
    waitroom::pg::define_settings();
    waitroom::pg::register_stock_trigger_callbacks();
    waitroom::pg::spi::register_callbacks();
}
