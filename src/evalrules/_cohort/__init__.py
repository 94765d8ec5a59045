"""Cohorts: many entities evaluated together, ranked and compared indicator by indicator."""
