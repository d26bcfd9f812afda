"""What officials read: report sections, charts, the hearing pack, HTML and PDF export.
"""
