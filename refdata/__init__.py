"""French reference data built offline from registry packages (no Flask, no database)."""
