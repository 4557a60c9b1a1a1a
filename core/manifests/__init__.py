"""Signed manifests of what was published: one per public version, chained, verifiable offline."""
