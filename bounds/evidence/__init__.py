"""From what a user has seen to what it supports: confidence bounds, posterior predictives,
uncertain inputs and sensitivities."""
