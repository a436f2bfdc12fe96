"""问题收集: registering issues (hotline desk, online, import), their codes, categories and
attachments."""
