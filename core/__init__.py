"""Shared kernel: values, storage plumbing, clock, i18n and guards used by every capability."""
