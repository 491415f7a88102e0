"""The publication asset: versioned files for analysts."""
