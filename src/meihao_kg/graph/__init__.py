"""Stages 4–5: extracted facts → RDF under the ontology: IRIs, namespaces, model building,
cross-source resolution, curation, SHACL validation, inference and the derived graphs."""
