"""How a question becomes a cited answer: routing and hybrid retrieval, candidate sentences and their features, the learned gate and ranker, the extractive and LLM answerers, citation checks."""
