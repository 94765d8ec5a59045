"""The engine and its plugin machinery: discovery, registries."""
