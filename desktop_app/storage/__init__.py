"""Where reports live: this PC's SQLite history and, for a business with several branches, a shared database.

- `migrations`: the schema of every store, as Alembic operations (SQLite files migrate in place on first start).
- `engines`: SQLAlchemy engines for a SQLite file or a PostgreSQL server (WAL + BEGIN IMMEDIATE; TLS, keyring).
- `shared`: `SharedHistory`, every branch's reports (PostgreSQL, or one SQLite file holding them all), and
  `LocalBranchHistory`, the same questions answered from this PC's own history when nothing is shared.
- `push`: the outbox of report rows a branch PC owes the shared database (never lost, never twice).
- `sql`: how the deliveries outbox and the fetched-records store run the same SQL on either engine: their own
  SQLite file through sqlite3 (the default), or a database URL through SQLAlchemy Core.

SQLAlchemy and Alembic are imported only by these modules, and only when a shared database is used or a schema
must change, so the tray starts and idles without them.
"""
