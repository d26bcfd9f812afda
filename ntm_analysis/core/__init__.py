"""The vocabulary every layer shares: criteria, the panel, registries, targets, errors,
locations of bundled files, run parameters and provenance. Imports nothing else of the package.
"""
