"""企业库: enterprises on record, the 统一社会信用代码, the county's townships, the 包保 leaders'
enterprises, their month-end visits and their dashboard."""
