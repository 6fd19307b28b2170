"""generator/output"""
