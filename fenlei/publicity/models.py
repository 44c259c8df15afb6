"""publicity ledgers."""
