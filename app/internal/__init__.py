"""The internal view of the strategy for staff: traffic lights with notes on risks. Never public."""
