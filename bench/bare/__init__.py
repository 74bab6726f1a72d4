"""A bench-only Django configuration: the real project plus one bare view that does a single plain
INSERT, served by the same gunicorn with the same middleware, as the yardstick for intake."""
