"""New projects: options -> a plan of files (pure) -> an atomic write; no Qt, no building."""
