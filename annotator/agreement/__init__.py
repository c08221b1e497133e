"""Agreement layer: reliability coefficients and reports as pure functions (no Qt, no SQL)."""
