"""Benchmarks: measured in one run against a floor measured in the same run (see README)."""
