"""The interactive explorer: computations, widgets and the local web app.
"""
