"""Review before publishing: an editor submits, a publisher publishes or sends back, an optional
sign-off group signs off; every step is kept in an append-only log (`Step`)."""
