"""The report batch: plan, run each unit's notebook in isolation, publish atomically,
index and compare with the last run.
"""
