"""Pure building blocks with no I/O: the model, settings, the `$id` mapping, the published
index format, validators and the one subschema walk. Import the modules directly."""
