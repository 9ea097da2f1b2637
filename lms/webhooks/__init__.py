"""Signed webhooks (Standard Webhooks): endpoints an admin registers, and their deliveries.

``events`` turns the domains' signals into deliveries; ``delivery`` sends them from the
task queue; ``targets`` refuses URLs that would reach the office's own network (SSRF).
"""
