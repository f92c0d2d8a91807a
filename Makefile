# PGXS build of the waitroom extension: the C++ core (extension/core) and the Postgres
# glue (extension/pg) are linked into one module. `make install` installs it into the
# server found by pg_config. Tests: test/run-all.sh (see README).
EXTENSION    = waitroom
EXTVERSION   = 0.1.0
MODULE_big   = waitroom

CORE_SRCS    = $(sort $(wildcard extension/core/*.cpp))
GLUE_SRCS    = $(sort $(wildcard extension/pg/*.cpp))
OBJS         = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# The install script is assembled from sql/src/*.sql in name order (like pgvector's
# sql/vector.sql -> vector--X.Y.Z.sql); upgrade scripts sql/waitroom--A--B.sql are kept as is.
DATA_built   = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA         = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))
EXTRA_CLEAN  = $(DATA_built)

# Isolation specs: what two sessions do at once (test/specs/*.spec).
ISOLATION      = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=test/out --load-extension=waitroom

PG_CONFIG   ?= pg_config
PG_CXXFLAGS  = -std=c++17 -fPIC -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-register \
               -Iextension
ifdef CI
PG_CXXFLAGS += -Werror
endif
SHLIB_LINK   = -lstdc++

# C++ objects have no LLVM bitcode rule here.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/src/*.sql))
	cat $^ > $@

# Objects depend on their headers.
$(OBJS): $(wildcard extension/core/*.hpp extension/pg/*.hpp)
