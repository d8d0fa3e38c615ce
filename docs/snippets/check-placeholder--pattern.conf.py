from sphinx_jointassessment.config import DEFAULT_PLACEHOLDER_PATTERNS

jointassessment_placeholder_patterns = [*DEFAULT_PLACEHOLDER_PATTERNS, r"\bXXX\b"]
