"""Helpers for the end-to-end tests: ports, waiting, a real upstream (unbound), a fault-injecting
upstream, the devoguard process and small DNS client helpers. Each module is one concern."""
