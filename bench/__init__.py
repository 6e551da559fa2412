"""`make bench`: performance measurements on PostgreSQL (DESIGN.md, Performance targets)."""
