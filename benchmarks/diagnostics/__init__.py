"""One-off diagnostics of the forecast (issue 13), each behind a note in ``benchmarks/notes/``.

Not benchmarks (nothing here is timed) and not the calibration suite (``benchmarks.calibrate``):
scripts that score a candidate change or read one posterior on the suite's known processes, kept
so that a note's numbers can be re-run (``python -m benchmarks.diagnostics.<name> --help``).
Some swap a candidate into the model for the duration of a run; none changes the product.
"""
