"""Locust load tests for Palisade: the real traffic mix, a surge and a soak (docs/loadtests.md)."""
