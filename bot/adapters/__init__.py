"""Chat platform adapters: translate payloads to invocations and render replies."""
