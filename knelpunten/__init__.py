"""Knelpunten: bureaucratic blockers reported by professionals, followed up by oliemannetjes."""
