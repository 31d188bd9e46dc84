"""Payer steps. Each function takes the context and one stay's running figures."""
