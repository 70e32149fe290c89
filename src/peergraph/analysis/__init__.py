"""Network analysis of the graph with networkx: views, centrality, communities, figures."""
