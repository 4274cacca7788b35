"""Warm handovers: a resident handed personally from one professional to another.

At every moment exactly one professional holds regie over a case. Regie stays
with the sender until the receiver accepts. Only status, timers and the
sender's own reference label are stored, never who the resident is.
"""
