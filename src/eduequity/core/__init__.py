"""Core model of eduequity."""
