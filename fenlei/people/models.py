"""people ledgers."""
