"""Writes of the monitoring app: jobs and their runs, cleanup, stats snapshots, alerts."""
