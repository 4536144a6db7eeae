# Fault injection for the exporter's tests: a WSGI filter that
# tests/swift-sandbox.sh puts in the test Swift's proxy pipeline, in front
# of s3api, to make the store answer what a real Swift cannot be made to
# answer (an AWS SSE-KMS reply, a PutObject-only policy, a gateway that
# drops the ETag or damages a body).  It does nothing unless the test
# writes rules to the file DIR/faults of the sandbox, one a line:
#
#   METHOD SUBSTRING ACTION [COUNT]
#
# A request whose method is METHOD and whose path (Swift: /v1/AUTH_test/
# CONTAINER/OBJECT, S3 path-style: /BUCKET/KEY) contains SUBSTRING gets
# ACTION, at most COUNT times (default: always); every rule that matches
# applies:
#
#   403      answered "403 Forbidden" (S3: an AccessDenied error document)
#   sse-kms  on success, the reply's ETag replaced by 32 hex digits that
#            are not the body's MD5, with x-amz-server-side-encryption:
#            aws:kms, as AWS answers for an SSE-KMS bucket
#   bad-etag on success, the ETag replaced as for sse-kms but without any
#            encryption header: a store that kept other bytes
#   no-etag  on success, the ETag header removed
#   corrupt  the first byte of the request body changed on its way in
#
# Each fault applied is appended to DIR/faults.log as "METHOD PATH ACTION".

import hashlib
import os
import threading

_lock = threading.Lock()


class _CorruptInput(object):
    """wsgi.input with its first byte changed."""

    def __init__(self, inner):
        self.inner = inner
        self.done = False

    def _damage(self, data):
        if data and not self.done:
            self.done = True
            data = bytes([data[0] ^ 0xff]) + data[1:]
        return data

    def read(self, *args, **kwargs):
        return self._damage(self.inner.read(*args, **kwargs))

    def readline(self, *args, **kwargs):
        return self._damage(self.inner.readline(*args, **kwargs))


class FaultMiddleware(object):
    def __init__(self, app, conf):
        self.app = app
        self.dir = conf['faults_dir']
        self.counts = {}

    def _actions(self, method, path):
        """The actions of every rule for 'method' on 'path', counted."""
        try:
            with open(os.path.join(self.dir, 'faults')) as f:
                lines = f.read().splitlines()
        except OSError:
            return set()
        actions = set()
        for line in lines:
            words = line.split()
            if len(words) < 3 or words[0] != method or words[1] not in path:
                continue
            with _lock:
                n = self.counts.get(line, 0)
                if len(words) > 3 and n >= int(words[3]):
                    continue
                self.counts[line] = n + 1
            with open(os.path.join(self.dir, 'faults.log'), 'a') as log:
                log.write('%s %s %s\n' % (method, path, words[2]))
            actions.add(words[2])
        return actions

    def __call__(self, env, start_response):
        method = env['REQUEST_METHOD']
        path = env.get('PATH_INFO', '')
        actions = self._actions(method, path)
        if not actions:
            return self.app(env, start_response)

        if '403' in actions:
            if path.startswith('/v1/'):
                body = b'<html><h1>Forbidden</h1></html>'
                ctype = 'text/html; charset=UTF-8'
            else:
                body = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                        b'<Error><Code>AccessDenied</Code>'
                        b'<Message>Access Denied.</Message></Error>')
                ctype = 'application/xml'
            start_response('403 Forbidden', [
                ('Content-Type', ctype),
                ('Content-Length', str(len(body)))])
            return [body]

        if 'corrupt' in actions:
            env['wsgi.input'] = _CorruptInput(env['wsgi.input'])

        def fault_start_response(status, headers, exc_info=None):
            if status.startswith('2') and actions & {'sse-kms', 'bad-etag',
                                                     'no-etag'}:
                etag = [v for k, v in headers if k.lower() == 'etag']
                headers = [(k, v) for k, v in headers if k.lower() != 'etag']
                if actions & {'sse-kms', 'bad-etag'}:
                    # Not the MD5 of the body, and not the store's either.
                    seed = ('fault' + (etag[0] if etag else '')).encode()
                    headers.append(
                        ('ETag', '"%s"' % hashlib.md5(seed).hexdigest()))
                if 'sse-kms' in actions:
                    headers.append(('x-amz-server-side-encryption',
                                    'aws:kms'))
                    headers.append((
                        'x-amz-server-side-encryption-aws-kms-key-id',
                        'arn:aws:kms:us-east-1:111122223333:key/flowlog'))
            return start_response(status, headers, exc_info)

        return self.app(env, fault_start_response)


def filter_factory(global_conf, **local_conf):
    conf = dict(global_conf)
    conf.update(local_conf)

    def faults_filter(app):
        return FaultMiddleware(app, conf)
    return faults_filter
