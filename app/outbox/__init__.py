"""The outbox: every queue the worker drains (letters by email, webhook deliveries, print
batches to build) is a table of rows with a due time and a lease. This package holds
every statement about leases (claim, heartbeat, release, record-if-still-held) and the
retry policy, and no feature's logic: a lane says which rows are due and what sending
one means."""
