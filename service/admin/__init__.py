"""系统管理: what the administration pages read."""
