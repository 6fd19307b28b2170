"""generator/ir"""
