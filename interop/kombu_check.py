#!/usr/bin/python3
"""Check messages kombugen published against Python's kombu.

Usage: /usr/bin/python3 interop/kombu_check.py MANIFEST

MANIFEST is a JSON file written by kombugen's internal/interop package. Each
case names a queue holding one message that kombugen's runtime published,
and the arguments it was published with, in kombu's terms. For every case
this script

1. takes the message with kombu (basic_get, no_ack) and decodes it with
   message.decode(), which decompresses by the compression header and
   deserializes by content type; the result must equal the expected body;
2. compares each property, the application headers and the delivery info
   with what the publish arguments call for (kombu's rules, SPEC.md s. 5);
3. publishes the same arguments with kombu's own Producer.publish to a
   scratch queue, reads that message back and compares its properties and
   headers with ours field by field, and its decoded body with ours.

A case with "expect_types" ({KEY: TYPE}) has its body checked by the type
each key of the decoded dict has, as python_type names it (str, bytes,
datetime.datetime, msgpack.Timestamp), instead of by value: for the values
kombu's json cannot carry, which decode to other types than the manifest's
JSON.

The broker is $KOMBUGEN_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/).
Once connected the script prints {"ready": true} and waits for a line (or
end of file) on stdin, so that the publisher can start it first and publish
while Python starts: messages with a short TTL are then read in time. Then
one JSON verdict per case goes to stdout:
    {"case": NAME, "ok": BOOL, "mismatches": [TEXT, ...]}
Exit status: 0 when every case is ok, 1 when some are not, 2 when the check
could not run (bad manifest, missing module, broker unreachable).
"""

import base64
import json
import os
import sys
import time

DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672/'
INSTALL_HINT = ('apt-get install -y python3-kombu python3-msgpack '
                'python3-yaml python3-brotli python3-zstandard')

try:
    import brotli  # noqa: F401  (kombu registers it when importable)
    import msgpack  # noqa: F401
    import yaml  # noqa: F401
    import zstandard  # noqa: F401  (kombu registers it when importable)
    import kombu
    from kombu import compression, serialization
except ImportError as exc:
    print(f'kombu_check: {exc}; install with: {INSTALL_HINT}',
          file=sys.stderr)
    sys.exit(2)

# Content types a consumer of kombugen's messages must accept. text/plain is
# not trusted by kombu unless listed.
ACCEPT = ['application/json', 'application/x-yaml', 'application/x-msgpack',
          'application/data', 'text/plain']

# The properties py-amqp decodes, in wire order (headers are apart).
PROPERTY_FIELDS = ('content_type', 'content_encoding', 'delivery_mode',
                   'priority', 'correlation_id', 'reply_to', 'expiration',
                   'message_id', 'timestamp', 'type', 'user_id', 'app_id',
                   'cluster_id')

# Manifest keys of the string properties passed through to publish().
PASSED_PROPERTIES = ('correlation_id', 'message_id', 'reply_to', 'type',
                     'app_id', 'user_id')

def describe(exc):
    """An exception's type and message on one line."""
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


class Absent:
    """A property or header the message does not carry."""

    def __repr__(self):
        return '<absent>'


ABSENT = Absent()


# -- the manifest -----------------------------------------------------------

def load_value(spec):
    """Turn a manifest value ({"kind": ..., "value": ...}) into Python's."""
    kind, value = spec['kind'], spec.get('value')
    if kind == 'bytes':
        return base64.b64decode(value)
    if kind in ('str', 'json'):
        return value
    raise ValueError(f'unknown value kind {kind!r}')


def publish_arguments(case, routing_key):
    """The keyword arguments of kombu's Producer.publish for case."""
    kwargs = {
        'routing_key': routing_key,
        'serializer': case.get('serializer'),
        'compression': case.get('compression'),
        'headers': dict(case.get('headers') or {}),  # publish() mutates it
        'priority': case.get('priority', 0),
        'delivery_mode': case.get('delivery_mode'),
    }
    if case.get('expiration_ms') is not None:
        kwargs['expiration'] = case['expiration_ms'] / 1000
    if case.get('timestamp') is not None:
        # py-amqp 5.1 sends the timestamp property as an integer ('L').
        kwargs['timestamp'] = case['timestamp']
    kwargs.update(given_properties(case))
    return kwargs


def given_properties(case):
    """The string properties the case sets (empty means not given)."""
    props = case.get('properties') or {}
    return {name: props[name] for name in PASSED_PROPERTIES
            if props.get(name)}


# -- what the publish arguments call for -------------------------------------

def expected_content(serializer, body):
    """content_type and content_encoding kombu gives body."""
    content_type, content_encoding, _ = serialization.dumps(
        body, serializer=serializer)
    return content_type, content_encoding


def expected_headers(case):
    headers = dict(case.get('headers') or {})
    name = case.get('compression')
    if name:
        headers['compression'] = compression.get_encoder(name)[1]
    return headers


def expected_fields(case):
    """The properties and headers the publish arguments call for."""
    fields = dict.fromkeys(PROPERTY_FIELDS, ABSENT)
    body = load_value(case['body'])
    ctype, encoding = expected_content(case.get('serializer'), body)
    fields.update(content_type=ctype, content_encoding=encoding,
                  delivery_mode=case.get('delivery_mode') or 2,
                  priority=case.get('priority', 0),
                  headers=expected_headers(case))
    if case.get('expiration_ms') is not None:
        fields['expiration'] = str(case['expiration_ms'])
    if case.get('timestamp') is not None:
        fields['timestamp'] = case['timestamp']
    fields.update(given_properties(case))
    return fields


def wire_fields(message):
    """The properties and headers a received message carries."""
    props = message.properties
    fields = {name: props.get(name, ABSENT) for name in PROPERTY_FIELDS}
    fields['headers'] = props.get('application_headers', ABSENT)
    return fields


# -- comparing ---------------------------------------------------------------

def same(a, b):
    """Equal as a consumer sees them: bool is not a number, 2 == 2.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b


def compare_headers(label, ours, theirs, whose):
    if ours is ABSENT or theirs is ABSENT:
        if ours is theirs:
            return []
        return [f'{label}: headers table: ours {ours!r}, {whose} {theirs!r}']
    out = []
    for key in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(key, ABSENT), theirs.get(key, ABSENT)
        if not same(mine, other):
            out.append(f'{label}: headers[{key!r}]: ours {mine!r}, '
                       f'{whose} {other!r}')
    return out


def compare_fields(label, ours, theirs, whose):
    """One line per property or header that differs."""
    out = []
    for name in PROPERTY_FIELDS:
        if not same(ours[name], theirs[name]):
            out.append(f'{label}: {name}: ours {ours[name]!r}, '
                       f'{whose} {theirs[name]!r}')
    return out + compare_headers(label, ours['headers'], theirs['headers'],
                                 whose)


def compare_delivery(message, case):
    info = message.delivery_info
    want = {'exchange': case.get('exchange', ''),
            'routing_key': case.get('routing_key') or case['queue'],
            'redelivered': False}
    return [f'delivery_info: {key}: ours {info.get(key)!r}, want {value!r}'
            for key, value in want.items() if info.get(key) != value]


def decode(message, whose):
    """message.decode(), or the error it raised as a mismatch line."""
    try:
        return message.decode(), None
    except Exception as exc:  # kombu raises several kinds; report any
        return None, (f'body: kombu cannot decode {whose} '
                      f'({message.content_type}): {describe(exc)}')


def compare_bodies(ours, kombus, expect):
    out = []
    mine, err = decode(ours, 'ours')
    if err:
        return [err]
    if not same(mine, expect):
        out.append(f'body: ours decodes to {mine!r}, want {expect!r}')
    if kombus is not None:
        theirs, err = decode(kombus, "kombu's")
        if err:
            out.append(err)
        elif not same(mine, theirs):
            out.append(f"body: ours decodes to {mine!r}, kombu's to "
                       f'{theirs!r}')
    return out


# -- the broker --------------------------------------------------------------

class Broker:
    """A kombu connection that is opened again after an error."""

    def __init__(self, url):
        self.url = url
        self.conn = None

    def channel(self):
        if self.conn is None:
            self.conn = kombu.Connection(self.url)
            self.conn.ensure_connection(max_retries=0)
        return self.conn.default_channel

    def reset(self):
        if self.conn is not None:
            try:
                self.conn.release()
            except Exception:
                pass
        self.conn = None

    def get(self, queue, attempts=1):
        """Take one message off queue, or None when it stays empty."""
        for attempt in range(attempts):
            bound = kombu.Queue(queue, no_declare=True)(self.channel())
            message = bound.get(no_ack=True, accept=ACCEPT)
            if message is not None:
                return message
            time.sleep(0.02 * (attempt + 1))
        return None


def fetch_ours(broker, cases):
    """Take every case's message first, those with a TTL before the rest."""
    messages = {}
    for case in sorted(cases, key=lambda c: c.get('expiration_ms') is None):
        try:
            messages[case['name']] = broker.get(case['queue'])
        except Exception as exc:  # a message kombu cannot even read
            broker.reset()
            messages[case['name']] = exc
    return messages


def publish_with_kombu(broker, case):
    """Publish case's arguments with kombu's Producer; return the message."""
    channel = broker.channel()
    scratch = case['queue'] + '.kombu'
    queue = kombu.Queue(scratch, exclusive=True,
                        queue_arguments=case.get('queue_arguments') or None)
    queue(channel).declare()
    producer = kombu.Producer(channel, routing_key=scratch,
                              auto_declare=False)
    producer.publish(load_value(case['body']),
                     **publish_arguments(case, scratch))
    message = broker.get(scratch, attempts=5)
    queue(channel).delete()
    return message


def kombu_message(broker, case):
    """kombu's own message for case's arguments, or why there is none."""
    try:
        message = publish_with_kombu(broker, case)
    except Exception as exc:
        broker.reset()
        return None, [f'kombu cannot publish these arguments: '
                      f'{describe(exc)}']
    if message is None:
        return None, ["kombu's own message never arrived"]
    return message, []


# -- one case ----------------------------------------------------------------

def check_case(broker, case, ours):
    if isinstance(ours, Exception):
        return [f'kombu cannot read ours: {describe(ours)}']
    if ours is None:
        return [f"queue {case['queue']} is empty: nothing published, or "
                'the message expired before it was read']
    kombus, mismatches = kombu_message(broker, case)
    mine = wire_fields(ours)
    mismatches += compare_fields('spec', mine, expected_fields(case), 'want')
    if kombus is not None:
        mismatches += compare_fields('kombu', mine, wire_fields(kombus),
                                     "kombu's")
    mismatches += compare_delivery(ours, case)
    if case.get('expect_types'):
        return mismatches + compare_types(ours, case['expect_types'])
    expect = load_value(case.get('expect') or case['body'])
    return mismatches + compare_bodies(ours, kombus, expect)


def python_type(value):
    """A value's type: a builtin's name, else MODULE.NAME with the top
    package of its module (datetime.datetime, msgpack.Timestamp)."""
    kind = type(value)
    if kind.__module__ == 'builtins':
        return kind.__name__
    return kind.__module__.split('.')[0] + '.' + kind.__name__


def compare_types(ours, types):
    """One line per key of ours' decoded body whose type is not types'."""
    mine, err = decode(ours, 'ours')
    if err:
        return [err]
    if not isinstance(mine, dict):
        return [f'body: ours decodes to {python_type(mine)}, want a dict']
    out = []
    for key, want in sorted(types.items()):
        got = python_type(mine[key]) if key in mine else '<absent>'
        if got != want:
            out.append(f'body[{key!r}]: ours decodes to {got} '
                       f'({mine.get(key)!r}), want {want}')
    return out


def verdict(name, mismatches):
    return {'case': name, 'ok': not mismatches, 'mismatches': mismatches}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        cases = json.load(f)['cases']
    print(f'kombu_check: kombu {kombu.__version__}, '
          f'{len(cases)} cases, python {sys.version.split()[0]}',
          file=sys.stderr)
    broker = Broker(os.environ.get('KOMBUGEN_AMQP_URL') or DEFAULT_URL)
    try:
        broker.channel()
    except Exception as exc:
        print(f'kombu_check: broker unreachable: {describe(exc)}',
              file=sys.stderr)
        return 2
    print(json.dumps({'ready': True}), flush=True)
    sys.stdin.readline()  # the publisher is done (or stdin is closed)
    ours = fetch_ours(broker, cases)
    failed = 0
    for case in cases:
        result = verdict(case['name'],
                         check_case(broker, case, ours[case['name']]))
        failed += not result['ok']
        print(json.dumps(result), flush=True)
    broker.reset()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
