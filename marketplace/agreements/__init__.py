"""Agreements of a cluster: group purchasing (members' purchases, year-end rebate redistributed) and success fees."""
