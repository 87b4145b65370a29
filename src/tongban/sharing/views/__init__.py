"""Pages of the sharing app."""
