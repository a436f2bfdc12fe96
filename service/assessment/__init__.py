"""考核与统计: periods, department rates and ranking, channel figures, report cards, the dashboard."""
