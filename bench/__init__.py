"""Load benchmarks: `make bench` or `python bench/run.py [scenario ...]`."""
