"""The live picture of queues, agents and calls: a pure projection of switch events."""
