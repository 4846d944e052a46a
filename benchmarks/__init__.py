"""Side-by-side benchmarks of aiochannel against its peers (issue 5); run with ``make bench``.

The harness is ``benchmarks.harness``; ``python -m benchmarks --help`` lists its options.
"""
