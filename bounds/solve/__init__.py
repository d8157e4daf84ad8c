"""Solving models: the certified budget ``solve(model, T)`` and the broadcasting API."""
