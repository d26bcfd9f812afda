"""Administrative units over time: registry vintages, checks of a file's codes and names,
and harmonising results across boundary changes.
"""
