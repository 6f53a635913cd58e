"""Benchmarks of rippledoc at scale: a workspace generator and a timing script (``bench/run``)."""
