#!/usr/bin/env bash
# Build the knowledge graph from data/raw/ and answer "which projects use 1+1+1 linkage?".
# Needs only Python 3.11+ (creates .venv/ on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/meihao-kg build
.venv/bin/meihao-kg query projects-by-initiative --param initiative=1+1+1
.venv/bin/meihao-kg export --format turtle --out out/meihao-kg.ttl
.venv/bin/meihao-kg viz --out out/meihao-kg.html
