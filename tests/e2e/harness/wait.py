"""Bounded waiting for a condition: the only way tests synchronise with the processes."""
import time


def wait_for(condition, timeout=5.0, interval=0.02, message=None):
    """Calls `condition` until it returns something truthy and returns that value; fails the
    test with `message` (or the condition's name) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except (OSError, ValueError) as e:  # not ready yet (connection refused, half a line…)
            last_error = e
        if time.monotonic() >= deadline:
            what = message or getattr(condition, "__name__", "condition")
            extra = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{extra}")
        time.sleep(interval)
