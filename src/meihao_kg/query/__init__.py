"""Stage 7: asking the graph: saved queries, explain, result tables, hints for values that match nothing."""
