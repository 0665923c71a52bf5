"""The pure domain: schemas, catalogue, stitched capability, engine, records (no textual, no rich)."""
