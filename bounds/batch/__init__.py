"""Batch work: sweeps over parameter grids (numpy, dask) and Monte Carlo simulation."""
