"""The audit log: every write staff make in the console, who made it, when, and each value before and after."""
