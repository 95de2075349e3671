"""The dialogs: New network and Edit structure (`structure`), the samples table (`samples`), a
generated data set or a CSV import (`data`), the gradient check (`gradcheck`), the value editor
(`editor`), Help ▸ About (`about`) and unexpected errors (`errors`).

May import: engine, guiapp.model, guiapp.colours."""
