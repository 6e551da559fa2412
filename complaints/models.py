"""Models of the complaints app (DESIGN.md, Architecture)."""
