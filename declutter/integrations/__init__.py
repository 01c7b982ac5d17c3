"""Optional integrations with data-processing frameworks (each needs its own extra)."""
