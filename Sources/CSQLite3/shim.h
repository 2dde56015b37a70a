#ifndef EMBER_CSQLITE3_SHIM_H
#define EMBER_CSQLITE3_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a cast macro Swift cannot import: bind a copy of the text.
static inline int ember_sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

/// Extended result codes are macros built from others, which Swift does not import.
static const int ember_sqlite_constraint_unique = SQLITE_CONSTRAINT_UNIQUE;
static const int ember_sqlite_constraint_primarykey = SQLITE_CONSTRAINT_PRIMARYKEY;

#endif
