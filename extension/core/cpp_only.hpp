// The core is pure C++: it must never see a Postgres header. Postgres headers
// define macros (elog, Assert, palloc, ...) that clash with the standard library,
// and their ereport() longjmps past C++ destructors. Every core header includes
// this file first, so including postgres.h before a core header fails to compile.
#pragma once

#if defined(POSTGRES_H) || defined(PG_VERSION_NUM) || defined(C_H)
#error "extension/core is pure C++: do not include Postgres headers before it"
#endif
