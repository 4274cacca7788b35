"""The directory in memory: see directory.index.store."""
