"""Forms of the province's selection (形式审查, the expert pool, the review plan, assignments, scoring, results)."""
