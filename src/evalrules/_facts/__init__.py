"""Facts: types, documents, readers, validation, derived facts, the JSON Schema."""
