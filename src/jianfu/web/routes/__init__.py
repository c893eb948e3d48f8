"""One router per area of the platform."""
