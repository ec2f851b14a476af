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
    before = b.js("const s = window.cowscope.store.state.session; return s ? s.token : null")
    t0 = time.time()
    b.js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel: arguments[1]})", text, kernel)
    # a new session (not the previous scenario's), painted
    b.wait("const s=window.cowscope.store.state.session; return !!s && s.token !== %s && s.steps > 0" % json.dumps(before), 120)
    b.js_async("requestAnimationFrame(() => arguments[arguments.length - 1](1))")
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


# Key-to-paint of one step: the key goes in, the delta arrives (server), the paint ends (page).
# Long main-thread tasks (> 50 ms) are collected by a PerformanceObserver meanwhile.
STEP = '''
const done = arguments[arguments.length - 1];
const target = arguments[0];
const app = window.cowscope;
const t0 = performance.now();
let arrived = null;
const longTasks = [];
let observer = null;
try {
  observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(Math.round(e.duration)); });
  observer.observe({ type: 'longtask' });
} catch (e) { /* no long-task timing in this browser */ }
const paintsBefore = app.timing.paints;
const stop = app.store.subscribe(() => {
  const s = app.store.state.session;
  if (arrived === null && s && s.step === target) arrived = performance.now();
});
document.body.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[1], bubbles: true }));
// the step is painted when its delta arrived and a paint followed; it is complete when no paint
// (a full state asked for after a structural delta, strips) follows for 150 ms
let paints = paintsBefore, lastPaint = null;
function check() {
  const s = app.store.state.session;
  if (app.timing.paints !== paints) {
    paints = app.timing.paints;
    if (arrived !== null) requestAnimationFrame(() => { lastPaint = performance.now(); });
  }
  if (arrived !== null && lastPaint !== null && s.step === target && performance.now() - lastPaint > 150) {
    stop();
    if (observer) observer.disconnect();
    done(JSON.stringify({ keyToPaintMs: Math.round(lastPaint - t0), serverMs: Math.round(arrived - t0), pageMs: Math.round(lastPaint - arrived), paints: app.timing.paints - paintsBefore, paintMs: Math.round(app.timing.lastPaintMs), longTasksMs: longTasks }));
  } else if (performance.now() - t0 > 100000) {
    stop();
    done(JSON.stringify({ error: 'no paint of step ' + target + ' within 100 s', step: s && s.step, arrived }));
  } else setTimeout(check, 2);
}
check();
'''

# Frames while one step animates (the step with 512 COW copies): fps and the longest frame.
ANIMATE = '''
const done = arguments[arguments.length - 1];
const ms = arguments[0];
let frames = 0, worst = 0, last = performance.now();
const end = last + ms;
document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
function tick(now) {
  frames++; worst = Math.max(worst, now - last); last = now;
  if (now < end) requestAnimationFrame(tick); else done(JSON.stringify({fps: Math.round(frames / (ms / 1000)), worstFrameMs: Math.round(worst), paintMs: Math.round(window.cowscope.timing.lastPaintMs)}));
}
requestAnimationFrame(tick);
'''


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
        # step 4 is the child's write: 512 COW copies in one step, animated (speed: 600 ms per step)
        b.js("window.cowscope.store.dispatch({kind:'ui', change:{speed: 750}})")
        goto(b, 3)
        b.js_async("setTimeout(arguments[arguments.length - 1], 1000)")
        results['animate_512_cows'] = json.loads(b.js_async(ANIMATE, 1200))
        print('512 COWs animated:', results['animate_512_cows'], file=sys.stderr)
        results['cows_in_that_step'] = b.js("return window.cowscope.store.state.session.report && window.cowscope.store.state.session.report.eventCounts.cow")
        b.key(['\ue00d'])  # Space: play
        results['fps_while_playing_512'] = json.loads(b.js_async(FPS, 4))
        b.key(['\ue00d'])
        b.js("window.cowscope.store.dispatch({kind:'ui', change:{playing: false}})")
        b.js_async("setTimeout(arguments[arguments.length - 1], 1500)")
        results['max_paint_ms_512'] = round(b.js("return window.cowscope.timing.maxPaintMs"), 1)
        results['load_1GiB_s'] = round(load(b, GIB), 3)
        steps = b.js("return window.cowscope.store.state.session.steps")
        ops = [line for line in GIB.split('\n')[1:] if line.strip()]
        stepping = []
        for step in range(1, steps + 1):
            try:
                r = json.loads(b.js_async(STEP, step, 'ArrowRight'))
            except Exception as e:  # a step that never completes: say so and go on
                r = {'error': str(e)[:200]}
                b.wait("return window.cowscope.store.state.session.step === %d" % step, 120)
            print('1 GiB step', step, r, file=sys.stderr)
            r['step'] = step
            r['op'] = ops[step - 1] if step - 1 < len(ops) else ''
            stepping.append(r)
        results['step_1GiB_forward'] = stepping
        scrub = []
        for step in [steps, 1, steps // 2, 3, steps - 1, 0, steps]:
            scrub.append(round(goto(b, step), 3))
        results['scrub_1GiB_goto_s'] = scrub
        results['last_paint_ms_1GiB'] = round(b.js("return window.cowscope.timing.lastPaintMs"), 1)
        results['strips'] = b.js("return document.querySelectorAll('canvas.strip').length")
        results['dom_nodes'] = b.js("return document.getElementsByTagName('*').length")
        results['load_average'] = os.getloadavg()
    finally:
        b.quit()
    print(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
