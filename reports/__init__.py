"""The network report: aggregate figures about how the network learns, never about individuals."""
