"""The rubric: frozen values, references, the loader and ``extends``."""
