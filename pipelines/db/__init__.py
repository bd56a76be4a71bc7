"""PostgreSQL access: the embedded server, engines and schema migrations."""
