"""generator/rendering"""
