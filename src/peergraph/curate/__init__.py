"""Growing the data: drafts from new documents, bibliography import, synthetic evidence bases."""
