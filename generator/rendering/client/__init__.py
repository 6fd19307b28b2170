"""generator/rendering/client"""
