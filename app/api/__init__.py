"""The HTTP layer: one package per dialect over the shared core."""
