"""generator/reading"""
