"""
Browser benchmark of the explorer (not a test: numbers vary with the machine).

  1. fps while animating with 512 pages visible: a 512-page mapping written, forked and
     written again (512 COW copies per step), played with animations on;
  2. loading and scrubbing a 1 GiB scenario (262,144 pages, drawn as a canvas strip).

Run against a running server (java -jar target/cowscope.jar --server.port=8099):

  python3 frontend/bench/bench.py http://localhost:8099/

Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian packages chromium, chromium-driver).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import Browser  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else 'http://localhost:8099/'

PAGES_512 = '''title "512 pages"
process p
p: b = mmap 512
p: write b "x"
p: fork c
c: write b "y"
p: write b "z"
c: read b
'''

GIB = '''title "1 GiB"
process p
p: big = mmap 1G
p: write big[0..131071] "x"
p: fork c
c: write big[0..1023] "y"
p: madvise big[0..65535] pageout
c: read big[0..4095]
p: write big[131072..262143] "z"
'''

FPS = '''
const done = arguments[arguments.length - 1];
const seconds = arguments[0];
let frames = 0, worst = 0, last = performance.now();
const end = last + seconds * 1000;
function tick(now) {
  frames++; worst = Math.max(worst, now - last); last = now;
  if (now < end) requestAnimationFrame(tick); else done(JSON.stringify({fps: frames / seconds, worstFrameMs: Math.round(worst)}));
}
requestAnimationFrame(tick);
'''


def load(b, text, kernel='6.18'):
    t0 = time.time()
    b.js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel: arguments[1]})", text, kernel)
    b.wait("const s=window.cowscope.store.state.session; return !!s && s.steps > 0", 120)
    return time.time() - t0


def goto(b, step):
    t0 = time.time()
    b.js("window.cowscope.store.dispatch({kind:'received', message:{type:'error', code:'', message:''}}); window.cowscope.send({type:'goto', v:1, step: arguments[0]})", step)
    b.wait("const s=window.cowscope.store.state; return s.session.step === %d || (s.lastError && s.lastError !== ': ' && s.lastError)" % step, 120)
    error = b.js("const e = window.cowscope.store.state.lastError; return e === ': ' ? null : e")
    if error:
        print('goto', step, 'refused:', error, file=sys.stderr)
    # one more frame: the paint happened
    b.js_async("requestAnimationFrame(() => arguments[arguments.length - 1](1))")
    return time.time() - t0


def main():
    b = Browser()
    results = {}
    try:
        b.get(BASE)
        b.wait("return window.cowscope && window.cowscope.store.state.status === 'connected'", 60)
        results['load_512_s'] = round(load(b, PAGES_512), 3)
        goto(b, 2)
        results['cards_visible'] = b.js("return document.querySelectorAll('#stage .layer-cards > .card').length")
        results['pte_rows_visible'] = b.js("return document.querySelectorAll('#stage .layer-rows > .pte').length")
        b.js("window.cowscope.store.dispatch({kind:'ui', change:{speed: 400}})")
        b.key(['\ue00d'])  # Space: play
        results['fps_while_playing_512'] = json.loads(b.js_async(FPS, 4))
        b.key(['\ue00d'])
        results['max_paint_ms_512'] = round(b.js("return window.cowscope.timing.maxPaintMs"), 1)
        results['load_1GiB_s'] = round(load(b, GIB), 3)
        steps = b.js("return window.cowscope.store.state.session.steps")
        scrub = []
        for step in [steps, 1, steps // 2, 3, steps - 1, 0, steps]:
            scrub.append(round(goto(b, step), 3))
        results['scrub_1GiB_goto_s'] = scrub
        results['last_paint_ms_1GiB'] = round(b.js("return window.cowscope.timing.lastPaintMs"), 1)
        results['strips'] = b.js("return document.querySelectorAll('canvas.strip').length")
        results['dom_nodes'] = b.js("return document.getElementsByTagName('*').length")
    finally:
        b.quit()
    print(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
