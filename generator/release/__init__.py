"""generator/release"""
