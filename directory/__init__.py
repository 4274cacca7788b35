"""The directory: professionals, organisations, themes, wijken and how to reach people."""
