"""问题收集: registering issues (the hotline desk, the public's own submissions, Open311 and
ledger imports build on it), their tracking codes and categories."""
