#!/usr/bin/python3
"""Publish the benchmark's messages with kombu, for kombubench.

Usage: /usr/bin/python3 kombu_bench.py --url URL --body FILE --count N
           [--exchange NAME] [--routing-key KEY] [--compression NAME]
           [--confirm]

FILE holds the message as JSON. It is loaded into Python values once and
published N times with kombu's Producer.publish, serializer json, so that
kombu does per message what kombugen does: serialize, compress (when
--compression is zlib or zstd), set the properties and the schema's constant
header, send. With --confirm the connection is opened with
transport_options={'confirm_publish': True}: py-amqp then waits for the
broker's confirm of each message before publish returns, the only way kombu
confirms.

The caller times the run, so the script only signals: once connected and
declared it prints {"ready": true} and waits for a line on stdin; then it
publishes and prints {"done": true} when the last publish returned. Exit
status 2 means it could not run (a missing module, the broker unreachable).
"""

import argparse
import json
import sys

try:
    from kombu import Connection, Exchange, Producer
    from kombu.common import maybe_declare
except ImportError as exc:
    print(f'kombu_bench: {exc}; install with: apt-get install -y '
          'python3-kombu python3-zstandard', file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--url', required=True)
    ap.add_argument('--body', required=True)
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--exchange', default='kombubench')
    ap.add_argument('--routing-key', default='bench')
    ap.add_argument('--compression', default='none')
    ap.add_argument('--confirm', action='store_true')
    args = ap.parse_args()

    with open(args.body, encoding='utf-8') as f:
        body = json.load(f)
    compression = None if args.compression in ('', 'none') else args.compression
    options = {'confirm_publish': True} if args.confirm else {}

    try:
        conn = Connection(args.url, transport_options=options)
        conn.connect()
    except Exception as exc:  # noqa: BLE001 (any failure to connect)
        print(f'kombu_bench: connect: {exc}', file=sys.stderr)
        sys.exit(2)
    channel = conn.channel()
    # The same attributes as the bench schema's exchange: declaring it
    # again is then a no-op, and the Producer's auto-declare finds it in
    # the cache, as a long-running kombu publisher would.
    exchange = Exchange(args.exchange, type='direct', durable=False)
    maybe_declare(exchange, channel)
    producer = Producer(channel, exchange=exchange,
                        routing_key=args.routing_key, serializer='json',
                        compression=compression)

    print(json.dumps({'ready': True}), flush=True)
    sys.stdin.readline()
    publish = producer.publish
    for _ in range(args.count):
        publish(body, headers={'x-schema-version': 1}, delivery_mode=2)
    print(json.dumps({'done': True}), flush=True)
    conn.release()


if __name__ == '__main__':
    main()
