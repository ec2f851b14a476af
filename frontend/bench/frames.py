"""
Frame-time budgets from a Chromium trace (chromedriver's performance log with devtools.timeline
categories): for each frame between two requestAnimationFrame ticks (marked with
console.timeStamp('bench-frame')), the renderer main thread's self time split into script,
style+layout, paint (pre-paint, paint, layerize, commit) and other work, plus the compositor and
raster threads' time. These CPU times are far less sensitive to other processes than fps is.
"""
import json

TRACE_CATEGORIES = 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute'

SCRIPT = {'FunctionCall', 'EvaluateScript', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'v8.callFunction',
          'V8.Execute', 'v8.run', 'RunMicrotasks', 'V8.GCScavenger', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER',
          'BlinkGC.AtomicPhase', 'v8.compile', 'v8.produceCache', 'ParseHTML', 'FireIdleCallback'}
STYLE_LAYOUT = {'UpdateLayoutTree', 'RecalculateStyles', 'Layout', 'ScheduleStyleRecalculation', 'InvalidateLayout',
                'IntersectionObserverController::computeIntersections', 'ResizeObserver::BroadcastObservations'}
PAINT = {'PrePaint', 'Paint', 'PaintImage', 'Layerize', 'UpdateLayer', 'UpdateLayerTree', 'Commit', 'CompositeLayers',
         'PaintSetup', 'Decode Image', 'Rasterize', 'RasterTask'}
ANIMATION = {'Animation', 'Animation Frame Fired', 'Document::updateAnimations', 'DocumentAnimations::UpdateAnimationTimingForAnimationFrame'}


def category(name):
    if name in SCRIPT:
        return 'script'
    if name in STYLE_LAYOUT:
        return 'style_layout'
    if name in PAINT:
        return 'paint'
    return 'other'


def trace_events(performance_log):
    """The trace events in a chromedriver performance log (a list of {message: json})."""
    events = []
    for entry in performance_log:
        message = json.loads(entry['message'])['message']
        if message.get('method') == 'Tracing.dataCollected':
            events.append(message['params'])
    return events


def _threads(events):
    names = {}
    for e in events:
        if e.get('ph') == 'M' and e.get('name') == 'thread_name':
            names[(e['pid'], e['tid'])] = e['args'].get('name', '')
    return names


def _complete(events, key):
    """Complete spans (ts, end, name, thread µs) on one thread from X events and B/E pairs, sorted by start.
    The thread time (CPU time of that thread, tdur/tts) is used: unlike wall time it does not grow
    while the thread waits for a core other processes hold."""
    spans, stack = [], []
    for e in sorted((e for e in events if (e.get('pid'), e.get('tid')) == key and e.get('ph') in ('X', 'B', 'E')),
                    key=lambda e: (e['ts'], 0 if e['ph'] != 'E' else 1)):
        if e['ph'] == 'X':
            spans.append((e['ts'], e['ts'] + e.get('dur', 0), e['name'], e.get('tdur', e.get('dur', 0))))
        elif e['ph'] == 'B':
            stack.append(e)
        elif stack:
            b = stack.pop()
            cpu = e['tts'] - b['tts'] if 'tts' in e and 'tts' in b else e['ts'] - b['ts']
            spans.append((b['ts'], e['ts'], b['name'], cpu))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    return spans


def _self_times(spans):
    """(start, end, name, self thread µs) for nested spans on one thread."""
    out, stack = [], []  # stack of [start, end, name, thread µs, children's thread µs]
    def close(item):
        out.append((item[0], item[1], item[2], max(0, item[3] - item[4])))
    for start, end, name, cpu in spans:
        while stack and stack[-1][1] <= start:
            close(stack.pop())
        if stack:
            stack[-1][4] += cpu
        stack.append([start, end, name, cpu, 0])
    while stack:
        close(stack.pop())
    return out


def budgets(events, mark='bench-frame'):
    """Per-frame budgets (ms) between consecutive marks on the page's main thread."""
    threads = _threads(events)
    marks = sorted(e['ts'] for e in events if e.get('name') == 'TimeStamp' and (e.get('args', {}).get('data', {}).get('message') == mark))
    if len(marks) < 2:
        return {'error': 'no frame marks in the trace (%d)' % len(marks)}
    main = next((e for e in events if e.get('name') == 'TimeStamp' and e.get('args', {}).get('data', {}).get('message') == mark), None)
    main_key = (main['pid'], main['tid'])
    selfs = _self_times(_complete(events, main_key))
    others = [k for k, n in threads.items() if k[0] == main_key[0] and (n.startswith('Compositor') or 'Raster' in n or 'TileWorker' in n)]
    off_main = []
    for k in others:
        off_main.extend((s, e, n, d) for s, e, n, d in _self_times(_complete(events, k)))
    frames = []
    for a, b in zip(marks, marks[1:]):
        f = {'script': 0.0, 'style_layout': 0.0, 'paint': 0.0, 'other': 0.0}
        for s, e, n, d in selfs:
            if a <= s < b and n != 'ThreadControllerImpl::RunTask':
                f[category(n)] += d / 1000
        f['main'] = sum(f.values())
        f['compositor_raster'] = sum(d for s, e, n, d in off_main if a <= s < b) / 1000
        f['wall'] = (b - a) / 1000
        frames.append(f)
    def stat(k):
        values = sorted(f[k] for f in frames)
        return {'mean': round(sum(values) / len(values), 2), 'median': round(values[len(values) // 2], 2), 'p95': round(values[min(len(values) - 1, int(len(values) * 0.95))], 2), 'max': round(values[-1], 2)}
    def frame(i):
        f = frames[i]
        return {'index': i, **{k: round(v, 2) for k, v in f.items()}}
    # the longest frame (wall) and what the main thread did in it; the frame with the most main-thread work
    worst = max(range(len(frames)), key=lambda i: frames[i]['wall'])
    heaviest = max(range(len(frames)), key=lambda i: frames[i]['main'])
    return {'frames': len(frames), **{k: stat(k) for k in ('script', 'style_layout', 'paint', 'other', 'main', 'compositor_raster', 'wall')},
            'worst_frame': frame(worst), 'heaviest_frame': frame(heaviest),
            # the main thread's ms in each frame, in order (the step's own frames come first)
            'main_per_frame': [round(f['main'], 1) for f in frames]}
