"""Benchmarks for the app: each module is one command that prints a markdown table (see README.md)."""
