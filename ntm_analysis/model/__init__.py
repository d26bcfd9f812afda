"""The commune-level model: estimation, Monte Carlo forecast, baselines, backtest,
metrics, and the known processes and synthetic panels used to check them.
"""
