# PGXS build of the waitroom extension: the C++ core (extension/core) and the Postgres
# glue (extension/pg) are linked into one module. `make install` installs it into the
# server found by pg_config. Tests: test/run-all.sh (see README).
EXTENSION    = waitroom
EXTVERSION   = 0.3.0
MODULE_big   = waitroom

CORE_SRCS    = $(sort $(wildcard extension/core/*.cpp))
GLUE_SRCS    = $(sort $(wildcard extension/pg/*.cpp))
OBJS         = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# The install script is assembled from sql/src/*.sql in name order (like pgvector's
# sql/vector.sql -> vector--X.Y.Z.sql). Each upgrade script sql/waitroom--A--B.sql is assembled
# the same way from sql/upgrade/A--B/*.sql, one piece per change. Every schema change ships one
# (test/suites/52-upgrade.sh compares an upgraded database with a fresh install).
# 0.2.0--0.3.0 drops every routine and view and makes them again: its pieces are followed by
# this version's routine pieces, sql/src/[2-9]*.sql (the tables are in sql/src/1*.sql). When
# 0.4.0 comes, freeze that script as one piece of its own.
UPGRADES     = 0.1.0--0.2.0 0.2.0--0.3.0
ROUTINE_SRCS = $(sort $(wildcard sql/src/[2-9]*.sql))
DATA_built   = sql/$(EXTENSION)--$(EXTVERSION).sql $(foreach u,$(UPGRADES),sql/$(EXTENSION)--$(u).sql)
EXTRA_CLEAN  = $(DATA_built) sql/src/.pieces $(foreach u,$(UPGRADES),sql/upgrade/$(u)/.pieces)
# waitroom_pgtap, a second extension: pgTAP helpers for the merchant's own suites
# (docs/pgtap-helpers.md; CREATE EXTENSION waitroom_pgtap CASCADE). Plain files, installed beside
# waitroom's.
DATA         = waitroom_pgtap.control sql/waitroom_pgtap--0.3.0.sql sql/waitroom_pgtap--0.2.0--0.3.0.sql

# make installcheck: pg_regress tests (test/sql/*.sql, expected output test/expected/*.out, as
# pgvector) against a running server with default settings. Listed in run order: each builds on
# the one before in the same database.
REGRESS      = create_extension order_flow api_errors drop_extension
REGRESS_OPTS = --inputdir=test --outputdir=$(TESTOUT)/regress
# Where both write results/ and regression.diffs (test/suites/55-installcheck.sh uses a temp dir).
TESTOUT     ?= test/out

# Isolation specs: what two sessions do at once (test/specs/*.spec).
ISOLATION      = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
# make installcheck first makes the specs' database as test/suites/30-isolation.sh does: as
# pg_isolation_regress makes it, with the extension, the specs' helpers (test/isolation/helpers.sql)
# and a deadlock_timeout long enough that a bounded lock wait always shows as blocked.
ISOLATION_OPTS = --inputdir=test --outputdir=$(TESTOUT) --use-existing
REGRESS_PREP   = installcheck-prep

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
.SECONDEXPANSION:
include $(PGXS)
# CI builds only to test: without the server's -g (debug info, about a quarter of the build's CPU).
ifdef CI
override CXXFLAGS := $(filter-out -g,$(CXXFLAGS))
endif

# Each script also depends on the list of its pieces (.pieces, rewritten only when the list
# changes), so removing a piece remakes it too. Written to a temporary file first: a concurrent
# reader never sees half a script.
sql/$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/src/*.sql)) sql/src/.pieces
	cat $(filter %.sql,$^) > $@.tmp && mv $@.tmp $@

sql/$(EXTENSION)--%.sql: $$(sort $$(wildcard sql/upgrade/%/*.sql)) sql/upgrade/%/.pieces
	cat $(filter %.sql,$^) > $@.tmp && mv $@.tmp $@

sql/$(EXTENSION)--0.2.0--0.3.0.sql: $(sort $(wildcard sql/upgrade/0.2.0--0.3.0/*.sql)) \
                                    sql/upgrade/0.2.0--0.3.0/.pieces $(ROUTINE_SRCS) sql/src/.pieces
	cat $(filter %.sql,$^) > $@.tmp && mv $@.tmp $@

define list_pieces
	@ls $(@D)/*.sql | cmp -s - $@ || ls $(@D)/*.sql > $@
endef
sql/src/.pieces: FORCE
	$(list_pieces)
sql/upgrade/%/.pieces: FORCE
	$(list_pieces)

.PHONY: FORCE
FORCE:

# Objects depend on their headers.
$(OBJS): $(wildcard extension/core/*.hpp extension/pg/*.hpp)

.PHONY: installcheck-prep
installcheck-prep:
	mkdir -p $(TESTOUT)/regress
ifdef ISOLATION
	$(pg_isolation_regress_installcheck) $(filter-out --use-existing,$(ISOLATION_OPTS)) --load-extension=$(EXTENSION)
	$(bindir)/psql -X -q -v ON_ERROR_STOP=1 -d $(ISOLATION_TESTDB) -f test/isolation/helpers.sql \
	  -c "ALTER DATABASE $(ISOLATION_TESTDB) SET deadlock_timeout = '10s'"
endif
