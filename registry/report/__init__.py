"""Renderers: the one JSON form of each result type, and text, GitHub annotations and Markdown
made from them. Import the modules directly."""
