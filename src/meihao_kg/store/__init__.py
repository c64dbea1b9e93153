"""Stage 6: where the graph lives: the local Oxigraph store, a remote SPARQL endpoint, push."""
