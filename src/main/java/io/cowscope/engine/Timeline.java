package io.cowscope.engine;

import io.cowscope.engine.op.Op;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time travel: checkpoints plus deterministic replay. Every {@code interval} steps a deep copy of the
 * machine is kept; {@link #goTo} restores the nearest checkpoint at or before the target (a copy, so
 * the checkpoint stays pristine) and replays the few operations after it — at most interval-1 steps,
 * however far the jump. Appending after going back drops the future (a new branch).
 *
 * <p>Cost: one checkpoint = one machine copy (about 20 bytes per page ever allocated plus 8 per PTE), so
 * scenarios with huge mappings should use a larger interval ({@link #Timeline(MachineConfig, int)}).
 */
public final class Timeline {
    private final MachineConfig config;
    private int interval;
    private final long budget;
    private long checkpointBytes;
    private final List<Op> ops = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final TreeMap<Integer, Machine> checkpoints = new TreeMap<>();
    private Machine current;
    private int position; // operations applied to current

    public Timeline(MachineConfig config) {
        this(config, 64);
    }

    public Timeline(MachineConfig config, int interval) {
        this(config, interval, 256L << 20);
    }

    /**
     * budget: bytes of checkpoints to keep at most; beyond it every other checkpoint is dropped and the
     * interval doubles (jumps then replay more steps, memory stays bounded).
     */
    public Timeline(MachineConfig config, int interval, long budget) {
        if (interval < 1) throw new IllegalArgumentException("interval >= 1");
        this.config = config;
        this.interval = interval;
        this.budget = budget;
        this.current = new Machine(config);
        checkpoints.put(0, current.copy());
    }

    /** applies op after the current position (dropping any later steps) and moves there */
    public Step append(Op op) {
        if (position < ops.size()) {
            ops.subList(position, ops.size()).clear();
            steps.subList(position, steps.size()).clear();
            checkpoints.tailMap(position, false).clear();
            checkpointBytes = 0;
            for (Machine c : checkpoints.values()) checkpointBytes += c.estimatedBytes();
        }
        Step s = current.apply(op);
        ops.add(op);
        steps.add(s);
        position++;
        if (position % interval == 0) addCheckpoint();
        return s;
    }

    private void addCheckpoint() {
        checkpoints.put(position, current.copy());
        checkpointBytes += current.estimatedBytes();
        while (checkpointBytes > budget && interval < (1 << 20)) {
            interval *= 2;
            checkpointBytes = 0;
            for (var it = checkpoints.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey() != 0 && e.getKey() % interval != 0) it.remove();
                else checkpointBytes += e.getValue().estimatedBytes();
            }
            if (checkpoints.size() <= 1) break;
        }
    }

    /** moves to the state after {@code n} operations (0 = the initial machine) */
    public void goTo(int n) {
        if (n < 0 || n > ops.size()) throw new IllegalArgumentException("position " + n + " outside 0.." + ops.size());
        if (n == position) return;
        if (n < position || n - position >= interval) {
            Map.Entry<Integer, Machine> cp = checkpoints.floorEntry(n);
            if (n < position || cp.getKey() > position) {
                current = cp.getValue().copy();
                position = cp.getKey();
            }
        }
        while (position < n) current.apply(ops.get(position++), true);
    }

    public void back() {
        if (position > 0) goTo(position - 1);
    }

    public void forward() {
        if (position < ops.size()) goTo(position + 1);
    }

    public int position() {
        return position;
    }

    public int size() {
        return ops.size();
    }

    /** the recorded result of step i (0-based), whatever the current position (replays do not rebuild it) */
    public Step step(int i) {
        return steps.get(i);
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    public Machine machine() {
        return current;
    }

    public Observer observe() {
        return current.observe();
    }

    public MachineConfig config() {
        return config;
    }

    public int interval() {
        return interval;
    }

    public int checkpointCount() {
        return checkpoints.size();
    }
}
