"""Dependence-free bounds from marginal rates: closed forms, the binomial-moment LP, budget intervals."""
