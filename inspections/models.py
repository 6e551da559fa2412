"""Models of the inspections app (DESIGN.md, Architecture)."""
