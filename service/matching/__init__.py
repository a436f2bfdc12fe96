"""解决一类问题: similar issues found at intake, repeat calls linked to their issue, and the
lead departments suggested from the county's own assignments."""
