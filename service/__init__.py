"""The HTTP layer: the Litestar app, controllers, guards, HTTP caching and Range serving."""
