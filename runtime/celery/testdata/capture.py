"""Capture what a Celery version puts on the wire, as JSON facts.

Run it under Debian's /usr/bin/python3 with the Celery and kombu to capture
importable (Debian's, or others' source put first on PYTHONPATH):

    capture.py tasks URL        task messages send_task and apply_async
                                publish, read back with a plain AMQP
                                client, and what Celery declares
    capture.py results URL      the rpc:// result messages workers publish
                                (solo and prefork pools), the reply queue,
                                and whether the worker runs task messages
                                with and without the headers Celery 5.3
                                added
    capture.py saferepr         argsrepr/kwargsrepr of sample arguments
    capture.py poison URL       what a worker does with task messages
                                that lack what protocol 2 requires
    capture.py send URL         send_task each call of a JSON list read
                                from standard input ({name, args, kwargs,
                                options} as in the tasks facts), for the
                                Go wire test to read

URL is an AMQP URL whose vhost the script may fill with queues named
kgcap* (it deletes them when done). The JSON goes to standard output.
See README.md for how the files in facts/ were made.
"""
import base64
import datetime
import json
import os
import platform
import select
import signal
import subprocess
import sys
import time
import urllib.parse

import amqp
import celery
import kombu
from kombu.compression import decompress
from kombu.serialization import loads

HERE = os.path.dirname(os.path.abspath(__file__))
TASK_ID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'
PARENT_ID = '11111111-2222-4333-8444-555555555555'
ROOT_ID = '66666666-7777-4888-8999-aaaaaaaaaaaa'
ETA = '2030-01-02T03:04:05.123456+00:00'
ETA_WHOLE = '2030-01-02T03:04:05+00:00'
EXPIRES = '2030-02-03T04:05:06.654321+00:00'
QUEUE = 'kgcap'


def versions():
    return {
        'celery': celery.__version__,
        'kombu': kombu.__version__,
        'amqp': amqp.__version__,
        'python': platform.python_version(),
    }


def broker(url):
    u = urllib.parse.urlparse(url)
    vhost = urllib.parse.unquote(u.path[1:]) if len(u.path) > 1 else '/'
    return {
        'host': '%s:%d' % (u.hostname, u.port or 5672),
        'userid': urllib.parse.unquote(u.username or 'guest'),
        'password': urllib.parse.unquote(u.password or 'guest'),
        'virtual_host': vhost,
    }


def plain_connection(url):
    c = amqp.Connection(**broker(url))
    c.connect()
    return c


def plain_channel(conn):
    """A channel that hands out bodies as the bytes that arrived."""
    ch = conn.channel()
    ch.auto_decode = False
    return ch


def jsonable(v):
    """Header and body values as JSON: bytes as {"bytes": base64}."""
    if isinstance(v, bytes):
        return {'bytes': base64.b64encode(v).decode()}
    if isinstance(v, (list, tuple)):
        return [jsonable(e) for e in v]
    if isinstance(v, dict):
        return {str(k): jsonable(e) for k, e in v.items()}
    if isinstance(v, datetime.datetime):
        return {'datetime': v.isoformat()}
    return v


def message_facts(msg):
    """Everything a consumer sees of msg, and its body decoded as kombu does."""
    props = dict(msg.properties)
    headers = props.pop('application_headers', None)
    body = msg.body
    plain = body
    if headers and headers.get('compression'):
        plain = decompress(body, headers['compression'])
    decoded = loads(plain, props.get('content_type'), props.get('content_encoding'),
                    accept={props.get('content_type')})
    return {
        'exchange': msg.delivery_info.get('exchange'),
        'routing_key': msg.delivery_info.get('routing_key'),
        'properties': jsonable(props),
        'headers': jsonable(headers),
        'body_base64': base64.b64encode(body).decode(),
        'body': jsonable(decoded),
    }


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def rabbitmqctl(vhost, what, columns):
    out = subprocess.run(
        ['rabbitmqctl', '-q', '--formatter', 'json', what, '-p', vhost] + columns,
        check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)


def declarations(vhost, names):
    """The queues, exchanges and bindings named in names, as the broker has them."""
    keep = lambda n: n in names
    queues = [q for q in rabbitmqctl(vhost, 'list_queues', [
        'name', 'durable', 'auto_delete', 'exclusive', 'arguments'])
        if keep(q['name'])]
    exchanges = [e for e in rabbitmqctl(vhost, 'list_exchanges', [
        'name', 'type', 'durable', 'auto_delete', 'internal', 'arguments'])
        if keep(e['name'])]
    bindings = [b for b in rabbitmqctl(vhost, 'list_bindings', [
        'source_name', 'destination_name', 'destination_kind', 'routing_key', 'arguments'])
        if keep(b['destination_name'])]
    return {'queues': sorted(queues, key=lambda q: q['name']),
            'exchanges': sorted(exchanges, key=lambda e: e['name']),
            'bindings': sorted(bindings, key=lambda b: (b['destination_name'], b['source_name']))}


def delete_entities(url, queues, exchanges=()):
    c = plain_connection(url)
    ch = c.channel()
    for q in queues:
        ch.queue_delete(q)
    for e in exchanges:
        ch.exchange_delete(e)
    c.close()


def capture_app(url, name='kgcapture'):
    app = celery.Celery(name, broker=url, backend='rpc://')
    app.conf.update(
        task_default_queue=QUEUE,
        accept_content=['json', 'msgpack', 'yaml'],
        broker_connection_retry_on_startup=True,
    )
    return app


# Each call: (case, task name, args, kwargs, send_task options). Datetimes
# are given as {"datetime": iso}.
TASK_CALLS = [
    ('plain', 'kg.add', [2, 3], {'z': 1}, {}),
    ('no_arguments', 'kg.add', None, None, {}),
    ('task_id', 'kg.add', [2, 3], {}, {'task_id': TASK_ID}),
    ('countdown', 'kg.add', [2, 3], {}, {'countdown': 30}),
    ('countdown_fraction', 'kg.add', [2, 3], {}, {'countdown': 1.5}),
    ('eta', 'kg.add', [2, 3], {}, {'eta': {'datetime': ETA}}),
    ('eta_whole_second', 'kg.add', [2, 3], {}, {'eta': {'datetime': ETA_WHOLE}}),
    ('expires_seconds', 'kg.add', [2, 3], {}, {'expires': 60}),
    ('expires_fraction', 'kg.add', [2, 3], {}, {'expires': 2.5}),
    ('expires_datetime', 'kg.add', [2, 3], {}, {'expires': {'datetime': EXPIRES}}),
    ('countdown_and_expires', 'kg.add', [2, 3], {}, {'countdown': 10, 'expires': 60}),
    ('priority', 'kg.add', [2, 3], {}, {'priority': 7}),
    ('queue', 'kg.add', [2, 3], {}, {'queue': QUEUE + '.other'}),
    ('time_limits', 'kg.add', [2, 3], {}, {'time_limit': 60, 'soft_time_limit': 50}),
    ('time_limits_fraction', 'kg.add', [2, 3], {}, {'time_limit': 2.5, 'soft_time_limit': 1.25}),
    ('hard_time_limit_only', 'kg.add', [2, 3], {}, {'time_limit': 60}),
    ('soft_time_limit_only', 'kg.add', [2, 3], {}, {'soft_time_limit': 50}),
    ('shadow', 'kg.add', [2, 3], {}, {'shadow': 'kg.add.shadowed'}),
    ('ignore_result', 'kg.add', [2, 3], {}, {'ignore_result': True}),
    ('parent_and_root', 'kg.add', [2, 3], {}, {'parent_id': PARENT_ID, 'root_id': ROOT_ID}),
    ('parent_only', 'kg.add', [2, 3], {}, {'parent_id': PARENT_ID}),
    ('serializer_json', 'kg.echo', ['text', 1.5, True, None, [1, 'two']], {'k': {'n': 1}}, {'serializer': 'json'}),
    ('serializer_msgpack', 'kg.echo', ['text', 1.5, True, None, [1, 'two']], {'k': {'n': 1}}, {'serializer': 'msgpack'}),
    ('serializer_yaml', 'kg.echo', ['text', 1.5, True, None, [1, 'two']], {'k': {'n': 1}}, {'serializer': 'yaml'}),
    ('compression_zlib', 'kg.add', [2, 3], {}, {'compression': 'zlib'}),
    ('compression_bzip2', 'kg.add', [2, 3], {}, {'compression': 'bzip2'}),
    ('compression_lzma', 'kg.add', [2, 3], {}, {'compression': 'lzma'}),
    ('compression_brotli', 'kg.add', [2, 3], {}, {'compression': 'brotli'}),
    ('compression_zstd', 'kg.add', [2, 3], {}, {'compression': 'zstd'}),
    ('msgpack_and_zlib', 'kg.add', [2, 3], {}, {'serializer': 'msgpack', 'compression': 'zlib'}),
    ('unicode', 'kg.echo', ['h\u00e9llo \u2603 "q" \'s\'\n'], {'\u00fc': '\U0001f600'}, {}),
    ('everything', 'kg.echo', [1, 'a'], {'b': 2}, {
        'task_id': TASK_ID, 'countdown': 5, 'expires': 120, 'priority': 3,
        'queue': QUEUE + '.all', 'time_limit': 30, 'soft_time_limit': 20,
        'shadow': 'kg.echo.all', 'parent_id': PARENT_ID, 'root_id': ROOT_ID,
        'serializer': 'json', 'compression': 'zlib'}),
]


def from_json_options(options):
    out = {}
    for k, v in options.items():
        if isinstance(v, dict) and 'datetime' in v:
            v = datetime.datetime.fromisoformat(v['datetime'])
        out[k] = v
    return out


def capture_tasks(url):
    app = capture_app(url)

    @app.task(name='kg.add')
    def add(x, y, z=0):
        return x + y + z

    queues = {QUEUE}
    for _, _, _, _, opts in TASK_CALLS:
        if 'queue' in opts:
            queues.add(opts['queue'])
    delete_entities(url, queues | {app.thread_oid}, queues)

    plain = plain_connection(url)
    ch = plain_channel(plain)
    cases = []

    def take(queue):
        for _ in range(100):
            msg = ch.basic_get(queue, no_ack=True)
            if msg is not None:
                return msg
            time.sleep(0.05)
        raise RuntimeError('no message in %s' % queue)

    for case, name, args, kwargs, opts in TASK_CALLS:
        before = now_iso()
        app.send_task(name, args=args, kwargs=kwargs, **from_json_options(opts))
        after = now_iso()
        facts = message_facts(take(opts.get('queue', QUEUE)))
        cases.append(dict({'case': case, 'via': 'send_task',
                           'call': {'name': name, 'args': args, 'kwargs': kwargs,
                                    'options': opts},
                           'sent_between': [before, after]}, **facts))

    # apply_async of a registered task: args given as a tuple.
    before = now_iso()
    add.apply_async((2, 3), {'z': 1}, task_id=TASK_ID)
    after = now_iso()
    cases.append(dict({'case': 'apply_async', 'via': 'apply_async',
                       'call': {'name': 'kg.add', 'args': [2, 3], 'kwargs': {'z': 1},
                                'options': {'task_id': TASK_ID}},
                       'sent_between': [before, after]}, **message_facts(take(QUEUE))))
    plain.close()

    vhost = broker(url)['virtual_host']
    declared = declarations(vhost, queues | {app.thread_oid})
    reply_queue = app.thread_oid
    delete_entities(url, queues | {reply_queue}, queues)
    return {
        'versions': versions(),
        'reply_queue': reply_queue,
        'cases': cases,
        'declared': declared,
    }


class Worker:
    """A Celery worker subprocess running kgtasks, as the Go tests start it."""

    def __init__(self, url, queue, pool='solo', concurrency=None, env=None):
        cmd = [sys.executable, '-m', 'celery', '-A', 'kgtasks', 'worker', '-P', pool,
               '-Q', queue, '--without-gossip', '--without-mingle', '--without-heartbeat',
               '-l', 'INFO', '-n', 'kgcap-%s@%%h' % queue]
        if concurrency:
            cmd += ['-c', str(concurrency)]
        e = dict(os.environ, KG_BROKER=url, **(env or {}))
        self.proc = subprocess.Popen(cmd, cwd=HERE, env=e, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.log = []
        deadline = time.time() + 60
        while time.time() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 1)
            if not r:
                continue
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError('worker exited:\n' + ''.join(self.log))
            self.log.append(line)
            if ' ready.' in line:
                return
        raise RuntimeError('worker not ready:\n' + ''.join(self.log))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def replies(ch, queue, task_id, until, timeout=30):
    """The result messages for task_id on queue, up to a final state."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = ch.basic_get(queue, no_ack=True)
        if msg is None:
            time.sleep(0.05)
            continue
        facts = message_facts(msg)
        if facts['properties'].get('correlation_id') != task_id:
            continue
        out.append(facts)
        if facts['body']['status'] in until:
            return out
    raise RuntimeError('no final result for %s (got %s)' % (task_id, out))


FINAL = {'SUCCESS', 'FAILURE', 'REVOKED'}


def raw_task(task_id, name, args, reply_to, with_53_headers):
    """A task message as Celery 5.2 (or, with with_53_headers, 5.3+) sends it."""
    headers = {
        'lang': 'py', 'task': name, 'id': task_id, 'shadow': None, 'eta': None,
        'expires': None, 'group': None, 'group_index': None, 'retries': 0,
        'timelimit': [None, None], 'root_id': task_id, 'parent_id': None,
        'argsrepr': repr(list(args)), 'kwargsrepr': '{}', 'origin': 'gen0@capture',
        'ignore_result': False,
    }
    if with_53_headers:
        headers.update({'replaced_task_nesting': 0, 'stamped_headers': None, 'stamps': {}})
    body = json.dumps([list(args), {}, {'callbacks': None, 'errbacks': None,
                                         'chain': None, 'chord': None}])
    return amqp.Message(body, content_type='application/json', content_encoding='utf-8',
                        application_headers=headers, delivery_mode=2, priority=0,
                        correlation_id=task_id, reply_to=reply_to)


def capture_results(url):
    app = capture_app(url, 'kgresults')
    solo_q, prefork_q = QUEUE + '.solo', QUEUE + '.prefork'
    reply = app.thread_oid
    delete_entities(url, {solo_q, prefork_q, reply}, {solo_q, prefork_q})
    plain = plain_connection(url)
    ch = plain_channel(plain)
    out = {'versions': versions(), 'reply_queue': reply, 'cases': []}

    def call(case, name, args, opts, worker, until=FINAL):
        task_id = '%08x-0000-4000-8000-%012x' % (len(out['cases']) + 1, os.getpid())
        sent = time.time()
        app.send_task(name, args=args, task_id=task_id, **opts)
        got = replies(ch, reply, task_id, until) if until else []
        out['cases'].append({'case': case, 'worker': worker,
                             'call': {'name': name, 'args': args, 'options': opts},
                             'task_id': task_id, 'sent_at': sent, 'replies': got})

    w = Worker(url, solo_q, env={'KG_TRACK_STARTED': '1'})
    try:
        call('success', 'kg.add', [2, 3], {'queue': solo_q}, 'solo, track_started')
        call('echo', 'kg.echo', [1, 'a'], {'queue': solo_q, 'countdown': 1},
             'solo, track_started')
        call('failure', 'kg.fail', ['boom'], {'queue': solo_q}, 'solo, track_started')
        call('retry', 'kg.retry_once', [], {'queue': solo_q}, 'solo, track_started')
        call('expired', 'kg.add', [2, 3], {'queue': solo_q, 'countdown': 2, 'expires': 1},
             'solo, track_started')
        call('ignore_result', 'kg.add', [2, 3], {'queue': solo_q, 'ignore_result': True},
             'solo, track_started', until=None)
        call('after_ignore_result', 'kg.add', [1, 1], {'queue': solo_q}, 'solo, track_started')
        # Raw messages in the two header shapes: does this worker run both?
        for shape, with53 in (('celery-5.2 headers', False), ('celery-5.3+ headers', True)):
            task_id = '%08x-0000-4000-8000-%012x' % (len(out['cases']) + 1, os.getpid())
            ch.basic_publish(raw_task(task_id, 'kg.add', [4, 5], reply, with53),
                             exchange='', routing_key=solo_q)
            out['cases'].append({'case': 'runs ' + shape, 'worker': 'solo, track_started',
                                 'task_id': task_id, 'sent_at': time.time(),
                                 'replies': replies(ch, reply, task_id, FINAL)})
    finally:
        w.stop()

    w = Worker(url, prefork_q, pool='prefork', concurrency=2)
    try:
        call('soft_time_limit', 'kg.sleep', [5], {'queue': prefork_q, 'soft_time_limit': 1},
             'prefork -c 2')
        call('time_limit', 'kg.sleep', [5], {'queue': prefork_q, 'time_limit': 1},
             'prefork -c 2')
    finally:
        w.stop()
    plain.close()

    out['declared'] = declarations(broker(url)['virtual_host'], {solo_q, prefork_q, reply})
    delete_entities(url, {solo_q, prefork_q, reply}, {solo_q, prefork_q})
    return out


def poison_shapes(task_id, reply_to):
    """Task messages each missing one thing a worker needs, and a whole one."""
    def whole():
        return raw_task(task_id, 'kg.add', [4, 5], reply_to, True)

    no_id = whole()
    del no_id.properties['application_headers']['id']
    two_elements = whole()
    two_elements.body = json.dumps([[4, 5], {}])
    no_content_type = amqp.Message(whole().body, application_headers=whole().properties['application_headers'],
                                   delivery_mode=2, priority=0, correlation_id=task_id, reply_to=reply_to)
    string_timelimit = whole()
    string_timelimit.properties['application_headers']['timelimit'] = ['soon', None]
    return [('well formed', whole()), ('no id header', no_id), ('body of two elements', two_elements),
            ('no content type', no_content_type), ('timelimit of strings', string_timelimit)]


def capture_poison(url):
    """For each pool and each shape: start a worker, publish the shape and,
    a second later, a whole task; see what the worker makes of both."""
    out = {'versions': versions(), 'cases': []}
    queue = QUEUE + '.poison.' + celery.__version__
    for pool in ('solo', 'prefork'):
        for shape, msg in poison_shapes('00000000-0000-4000-8000-00000000dead', '')[1:]:
            good_id = '00000000-0000-4000-8000-00000000600d'
            good = poison_shapes(good_id, '')[0][1]
            delete_entities(url, {queue}, {queue})
            w = Worker(url, queue, pool=pool, concurrency=1 if pool == 'prefork' else None)
            plain = plain_connection(url)
            ch = plain_channel(plain)
            ch.basic_publish(msg, exchange='', routing_key=queue)
            time.sleep(1)
            ch.basic_publish(good, exchange='', routing_key=queue)
            deadline = time.time() + 10
            while time.time() < deadline and w.proc.poll() is None:
                r, _, _ = select.select([w.proc.stdout], [], [], 0.5)
                if r:
                    line = w.proc.stdout.readline()
                    if line:
                        w.log.append(line)
            exited = w.proc.poll() is not None
            if not exited:
                w.stop()
            log = ''.join(w.log) + w.proc.stdout.read()
            lines = [l for l in log.splitlines() if l.strip()]
            after_ready = lines[next(i for i, l in enumerate(lines) if ' ready.' in l) + 1:]
            left = ch.queue_declare(queue, passive=True).message_count
            plain.close()
            delete_entities(url, {queue}, {queue})
            out['cases'].append({
                'pool': pool,
                'shape': shape,
                'worker_exited': exited,
                'exit_code': w.proc.returncode if exited else None,
                'whole_task_after_it_ran': (good_id + '] succeeded') in log,
                'messages_left_in_queue_after_stop': left,
                'log_after_ready': after_ready[-10:],
            })
    return out


# Arguments whose argsrepr and kwargsrepr are captured: nesting past three
# levels, strings past the 1024-character limit, quotes, numbers.
SAFEREPR_SAMPLES = [
    [[], {}],
    [[1, 'a', None, True, False, 1.5], {'k': 'v'}],
    [[1.0, 100000.0, 1e16, 1e-5, 0.0001, 123456789.125, -0.0, 1e300, 2**70], {}],
    [["it's", 'say "hi"', 'back\\slash', 'line\nbreak', 'tab\t', '\u00e9\u2603\U0001f600'], {}],
    [[[1, [2, [3, [4, [5]]]]]], {'a': {'b': {'c': {'d': 1}}}}],
    [[{'k': [1, {'j': [2]}]}], {'x': [[[[]]]]}],
    [['x' * 2000], {}],
    [['word ' * 300], {}],
    [[list(range(400))], {}],
    [[{'key%d' % i: i for i in range(200)}], {}],
    [[], {'k%d' % i: 'value %d' % i for i in range(150)}],
    [['a' * 1020, 'b' * 10, 'c'], {}],
    [['a' * 1019, [1, 2], 3], {}],
    [['a' * 1018, {'k': [1]}, 3], {}],
    [[{'it\'s': 1, 'a b': 2}], {}],
    [[[]], {'': ''}],
]


def capture_saferepr():
    from celery.utils.saferepr import saferepr
    cases = []
    for args, kwargs in SAFEREPR_SAMPLES:
        cases.append({'args': args, 'kwargs': kwargs,
                      'argsrepr': saferepr(args, 1024), 'kwargsrepr': saferepr(kwargs, 1024)})
    return {'versions': versions(), 'maxlen': 1024, 'cases': cases}


def send(url, calls):
    app = capture_app(url)
    for c in calls:
        app.send_task(c['name'], args=c['args'], kwargs=c['kwargs'],
                      **from_json_options(c['options']))
    # The reply queue send_task declared: nothing will consume it.
    delete_entities(url, {app.thread_oid})


def main():
    mode = sys.argv[1]
    if mode == 'send':
        send(sys.argv[2], json.load(sys.stdin))
        return
    if mode == 'tasks':
        facts = capture_tasks(sys.argv[2])
    elif mode == 'results':
        facts = capture_results(sys.argv[2])
    elif mode == 'poison':
        facts = capture_poison(sys.argv[2])
    elif mode == 'saferepr':
        facts = capture_saferepr()
    else:
        sys.exit(__doc__)
    json.dump(facts, sys.stdout, indent=1, ensure_ascii=False, sort_keys=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
