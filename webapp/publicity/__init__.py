"""拟认定名单, 公示 and 实名异议: the province's list after the expert review, published for comment."""
