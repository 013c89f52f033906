#!/usr/bin/python3
"""Validate message bodies with Python's jsonschema, as a consumer would.

Usage: /usr/bin/python3 interop/jsonschema_check.py MANIFEST

MANIFEST is a JSON file written by kombugen's jsonschema tests:
    {"schemas": {MESSAGE: SCHEMA, ...},
     "cases": [{"name": NAME, "message": MESSAGE, "content_type": TYPE,
                "content_encoding": ENCODING, "body": BASE64}, ...]}
SCHEMAS is what `kombugen jsonschema` writes. For every case this script
checks that the message's schema is a valid draft 2020-12 schema, decodes
the body with kombu's serializers (kombu.serialization.loads, as
message.decode() does after decompressing) and validates the result with
jsonschema's Draft202012Validator. One JSON verdict per case goes to
stdout:
    {"case": NAME, "valid": BOOL, "errors": [TEXT, ...]}
Exit status: 0 when every case was checked (valid or not), 2 when the
check could not run (bad manifest, missing module, a schema that is not a
valid JSON Schema).
"""

import base64
import json
import sys

try:
    import jsonschema
    import kombu.serialization
    import msgpack  # noqa: F401  (kombu registers it when importable)
    import yaml  # noqa: F401
except ImportError as exc:
    print(f'jsonschema_check: {exc}; install with: apt-get install -y '
          'python3-jsonschema python3-kombu python3-msgpack python3-yaml',
          file=sys.stderr)
    sys.exit(2)

ACCEPT = ['application/json', 'application/x-yaml', 'application/x-msgpack',
          'text/plain']


def check(schemas, case):
    """The validation errors of one case's body, each on one line."""
    schema = schemas[case['message']]
    body = base64.b64decode(case['body'])
    value = kombu.serialization.loads(body, case['content_type'],
                                      case['content_encoding'],
                                      accept=ACCEPT)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: "
            f"{' '.join(e.message.split())}"
            for e in sorted(validator.iter_errors(value), key=str)]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        manifest = json.load(f)
    schemas = manifest['schemas']
    for name, schema in schemas.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            print(f'jsonschema_check: the schema of {name} is not a valid '
                  f'JSON Schema: {exc.message}', file=sys.stderr)
            return 2
    for case in manifest['cases']:
        errors = check(schemas, case)
        print(json.dumps({'case': case['name'], 'valid': not errors,
                          'errors': errors}), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
