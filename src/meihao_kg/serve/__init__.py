"""Serving the store: a read-only SPARQL endpoint (Oxigraph) with a browser front end."""
