"""Payer steps: small functions that read their figures (and so their citation) from the data.

A stay step is `step(ctx, s, y)` with s a model.StayCalc and y the model.YearState.
"""
