"""One unit's answer: results, the analysis cache, forecasts across boundary changes,
the plan year and the priority list.
"""
