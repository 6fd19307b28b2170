"""dixagen: turns OpenAPI documents into a typed Python SDK.

The flow is one module per step: `load` → `validate` → `build` (raw IR) →
`passes` (normalization) → `render` (templates) → `format` (ruff, black's style) → `write`
(atomic swap). `pipeline` strings them together; `cli` is the front end.
"""

__version__ = "0.1.0"
