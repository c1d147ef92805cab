"""Blueprints, one per area; views stay thin and call services."""
