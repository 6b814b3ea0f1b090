"""Benchmarks (``make bench``): ``run.py`` drives them; README "Benchmarks" says what they show."""
