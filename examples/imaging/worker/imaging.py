"""The imaging service's Celery worker, which runs the tasks the Go
service sends (tasks/imaging.kombugen.yaml):

    KOMBUGEN_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/ \
        celery -A imaging worker -Q images

It pretends to resize: it reads an image's size from its URL
(cat-1200x800.png is 1200 by 800) and returns the size it would have.
worker.go in the directory above plays the same worker in Go, for running
the example without RabbitMQ.
"""
import os
import re

from celery import Celery

app = Celery('imaging',
             broker=os.environ.get('KOMBUGEN_AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672//'),
             backend='rpc://')
app.conf.update(
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)

SIZE = re.compile(r'-(\d+)x(\d+)\.\w+$')


@app.task(name='images.resize')
def resize(url, width, height=None, quality=85):
    m = SIZE.search(url)
    if not m:
        raise ValueError('no size in %s' % url)
    w, h = int(m.group(1)), int(m.group(2))
    if height is None:
        height = h * width // w
    return {'url': url, 'width': width, 'height': height, 'quality': quality}


@app.task(name='images.thumbnail')
def thumbnail(url):
    return None
