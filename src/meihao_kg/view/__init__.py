"""Stage 8a: the network view: projections onto networkx, view data, the offline HTML renderer."""
