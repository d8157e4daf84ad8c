"""Numbers below the models: parsing, number contexts, the certifier and the monotone search.

Imports numpy, mpmath and python-flint only; never a model, never sympy.
"""
