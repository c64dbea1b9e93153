"""Stage 8b: exports to standard RDF formats and network formats."""
