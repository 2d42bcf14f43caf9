"""Benchmarks and the England-scale data generator (see docs/BENCHMARKS.md)."""
