"""specsmith: schema-first code generation from OpenAPI documents.

The pipeline, one module per stage:

    load  ->  lint               (findings for CI)
      |
      +-->  analyse -> IR  ->  models (datamodel-code-generator) + render (Jinja)  ->  emit (black, write)
"""

__version__ = "0.1.0"
