"""Self-financing: each cluster's budget by origin, its ratios and alarms, the cost of its actions, the board's report."""
