"""Models of the enforcement app (DESIGN.md, Architecture)."""
