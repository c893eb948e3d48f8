"""Services of the platform: accounts and scopes, findings under review, anonymous clues, background scans.

Each service takes a `Store` and `Settings` and calls `store/` inside one transaction per action; the web
layer calls one service method per route.
"""
