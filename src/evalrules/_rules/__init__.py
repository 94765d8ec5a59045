"""Rule kinds: the API plugins implement, conditions, message templates, the builtins."""
