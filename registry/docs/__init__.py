"""Pure Markdown generation for the docs site, page by page; `registry.mkdocs_plugin` adapts it to
MkDocs. Import the modules directly."""
