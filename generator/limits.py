"""How much of anything a spec may ask for, in one place.

A spec is input from whoever wrote it: a 600-byte YAML file can expand to
billions of nodes through aliases, a chain of `$ref`s or a name of a million
characters can make a linear step quadratic, a nested document can exhaust the
interpreter's stack. Each limit below turns such an input into a located error
(exit 1) that names the limit, instead of a run that never ends or eats the
machine's memory.

The numbers are far above what real APIs write: Microsoft Graph's beta spec
(47 MB, 22,000 operations) and GitHub's both stay well inside every one. Raise
one here, with its reason, if a real spec ever needs it.
"""

from __future__ import annotations

# Bytes of one spec file (the root or one a `$ref` reads). Microsoft Graph beta is 47 MB.
MAX_FILE_BYTES = 256 * 1024 * 1024

# Files one spec may read through `$ref`s, the root included.
MAX_FILES = 2_000

# Nesting of mappings and lists in one document. Real specs stay under 40;
# every later stage walks the tree recursively (the validator, the build,
# pickling for a worker), each level costing several stack frames.
MAX_DEPTH = 128

# Nodes that YAML aliases (`*name`) may add beyond those written out: each
# alias is expanded into a copy, so aliases of aliases grow exponentially
# (the "billion laughs"). Documents without aliases never come near it.
MAX_ALIAS_NODES = 1_000_000

# `$ref`s a chain may follow before reaching something that is not a `$ref`
# (`A → B → C`): real specs use one or two hops.
MAX_REF_CHAIN = 64

# Distinct `$ref`s (text and the file it is written in) one spec may hold.
MAX_REFS = 2_000_000

# Characters of a name that becomes a Python identifier or a file name: a
# parameter, property, schema or operation name. Longer names are not
# readable code, and a module file's name may not exceed 255 bytes.
MAX_NAME_LENGTH = 1_000

# Characters of a path in `paths` (Graph's longest is about 250).
MAX_PATH_LENGTH = 2_000

# Inline schemas nested in one another (an object in a property of an object
# ...); each becomes a class named after its position, so the names grow with
# the depth.
MAX_SCHEMA_NESTING = 32

# Bytes of one file or folder name the generator writes (the usual file
# system limit).
MAX_FILE_NAME_BYTES = 255
