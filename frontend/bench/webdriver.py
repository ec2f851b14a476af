# Minimal W3C WebDriver client over HTTP for Debian's chromedriver (stdlib only; never downloads a browser).
import json, sys, time, urllib.request, base64, subprocess, tempfile, os
PORT = int(os.environ.get('CHROMEDRIVER_PORT', '9517'))
def call(method, path, body=None):
    req = urllib.request.Request(f'http://localhost:{PORT}{path}', method=method,
        data=None if body is None else json.dumps(body).encode(), headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=180) as r:
        return json.loads(r.read())['value']
class Browser:
    def __init__(self, width=1600, height=1000, trace_categories=None):
        self.proc = subprocess.Popen(['/usr/bin/chromedriver', f'--port={PORT}'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.8)
        options = {'binary': '/usr/bin/chromium'}
        always = {'goog:chromeOptions': options}
        if trace_categories:  # chromedriver traces and hands the events over in its performance log
            options['perfLoggingPrefs'] = {'enableNetwork': False, 'enablePage': False, 'traceCategories': trace_categories}
            always['goog:loggingPrefs'] = {'performance': 'ALL'}
        options['args'] = [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', f'--window-size={width},{height}',
            '--user-data-dir=' + tempfile.mkdtemp()]
        caps = {'capabilities': {'alwaysMatch': always}}
        self.sid = call('POST', '/session', caps)['sessionId']
        call('POST', f'/session/{self.sid}/timeouts', {'script': 120000})
    def get(self, url): call('POST', f'/session/{self.sid}/url', {'url': url})
    def js(self, script, *args): return call('POST', f'/session/{self.sid}/execute/sync', {'script': script, 'args': list(args)})
    def js_async(self, script, *args):
        return call('POST', f'/session/{self.sid}/execute/async', {'script': script, 'args': list(args)})
    def shot(self, path):
        open(path, 'wb').write(base64.b64decode(call('GET', f'/session/{self.sid}/screenshot')))
    def key(self, keys):
        el = call('POST', f'/session/{self.sid}/element', {'using': 'css selector', 'value': 'body'})
        call('POST', f'/session/{self.sid}/actions', {'actions': [{'type': 'key', 'id': 'k', 'actions': sum([[{'type': 'keyDown', 'value': k}, {'type': 'keyUp', 'value': k}] for k in keys], [])}]})
    def wait(self, script, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            v = self.js(script)
            if v: return v
            time.sleep(0.2)
        raise Exception('timeout waiting for ' + script)
    def performance_log(self):
        """The performance log since the last call (with trace_categories: the trace events)."""
        return call('POST', f'/session/{self.sid}/se/log', {'type': 'performance'})
    def quit(self):
        try: call('DELETE', f'/session/{self.sid}')
        finally: self.proc.terminate()
