"""Scoring one facts document into a scorecard."""
