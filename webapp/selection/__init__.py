"""The province's selection after the units' 报送: 形式审查, the expert pool and 回避, the review plan and score sheets,
assignments, the experts' scores, progress and ranking. Domain modules here know nothing of requests; views are in
`views/`."""
