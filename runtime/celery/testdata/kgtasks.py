"""Tasks for the tests' Celery workers, and for capture.py.

The worker is configured from the environment:

    KG_BROKER             the broker URL (required)
    KG_TRACK_STARTED      1: publish STARTED before running a task
    KG_RESULT_SERIALIZER  the result serializer (json by default)
    KG_PRIORITY_QUEUE     a queue declared with x-max-priority 10, as the
                          tests declare it

Every task that returns something returns what the worker saw, so the
tests can check the headers as the worker read them and when it ran the
task (ran_at, seconds since the epoch on the worker's clock).
"""
import os
import time

from celery import Celery

app = Celery('kgtasks', broker=os.environ['KG_BROKER'], backend='rpc://')
app.conf.update(
    accept_content=['json', 'msgpack', 'yaml'],
    result_accept_content=['json', 'msgpack', 'yaml'],
    result_serializer=os.environ.get('KG_RESULT_SERIALIZER', 'json'),
    task_track_started=os.environ.get('KG_TRACK_STARTED') == '1',
    task_acks_late=False,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)

if os.environ.get('KG_PRIORITY_QUEUE'):
    from kombu import Exchange, Queue
    name = os.environ['KG_PRIORITY_QUEUE']
    app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name,
                                  queue_arguments={'x-max-priority': 10})]


def _seen(request):
    return {
        'id': request.id,
        'task': request.task,
        'eta': request.eta,
        'expires': request.expires,
        'retries': request.retries,
        'timelimit': list(request.timelimit or [None, None]),
        'root_id': request.root_id,
        'parent_id': request.parent_id,
        'ignore_result': request.ignore_result,
        'reply_to': request.reply_to,
        'priority': (request.delivery_info or {}).get('priority'),
        'ran_at': time.time(),
    }


@app.task(name='kg.add')
def add(x, y, z=0):
    return x + y + z


@app.task(bind=True, name='kg.echo')
def echo(self, *args, **kwargs):
    return {'args': list(args), 'kwargs': kwargs, 'request': _seen(self.request)}


@app.task(name='kg.fail')
def fail(message):
    raise ValueError(message)


@app.task(name='kg.sleep')
def sleep(seconds):
    time.sleep(seconds)
    return seconds


@app.task(bind=True, name='kg.retry_once')
def retry_once(self):
    if self.request.retries == 0:
        raise self.retry(exc=RuntimeError('once more'), countdown=0, max_retries=1)
    return 'retried'


# The tasks of the generated package golden/tasks that the ones above do
# not play.

@app.task(bind=True, name='kg.ranked')
def ranked(self, *args, **kwargs):
    return {'args': list(args), 'kwargs': kwargs, 'request': _seen(self.request)}


@app.task(bind=True, name='kg.routed')
def routed(self, *args, **kwargs):
    return {'args': list(args), 'kwargs': kwargs, 'request': _seen(self.request)}


@app.task(name='kg.forget')
def forget():
    return 'forgotten'
