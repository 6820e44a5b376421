"""Writes of the studio, one module per entity; every door (API, dashboard, admin, tasks) calls these."""
