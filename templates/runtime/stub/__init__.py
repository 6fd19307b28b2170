"""The stub server, written once for every spec; `server.py` is its public face.

- `table`: the operation table a generated `server_operations` module loads;
- `app`: `StubApp`, the FastAPI app: routing, overrides, the order of the steps;
- `requests`: credentials and the validation of parameters and bodies;
- `answers`: what is answered (an override, an example, a synthesized value);
- `streams`: a sequence of items answered item by item, framed as its media type says;
- `state` and `store`: stateful mode, items kept in memory;
- `effects`: the stateful behaviour an API's table of effects describes;
- `wire`: checks against the spec itself (`server_openapi.json`);
- `synth`: values made up for a type of the models or a schema.

Importing this package imports nothing: the table is read without FastAPI.
"""
