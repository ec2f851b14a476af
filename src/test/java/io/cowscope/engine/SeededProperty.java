package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small seeded property runner for JUnit: draws {@code tries} cases from one {@link Random},
 * checks each, and on the first failure shrinks the case greedily (first candidate that still
 * fails, repeated until none does) and fails with the seed, the try, the shrunk case and the
 * original error.
 *
 * <p>The seed is {@code -Dcowscope.seed=N} when given, else a fresh one per run; a failure
 * message always names it, so {@code -Dcowscope.seed=N} replays the same cases in the same order.
 */
final class SeededProperty<T> {
    /** the most shrink candidates tried before giving up (keeps a failing run bounded) */
    static final int MAX_SHRINK_CHECKS = 5_000;

    private final String name;
    private final Function<Random, T> generate;
    private final Function<T, List<T>> shrink;

    SeededProperty(String name, Function<Random, T> generate, Function<T, List<T>> shrink) {
        this.name = name;
        this.generate = generate;
        this.shrink = shrink;
    }

    /** The seed of this run: {@code -Dcowscope.seed} or a new random one. */
    static long seed() {
        Long given = Long.getLong("cowscope.seed");
        return given != null ? given : new Random().nextLong();
    }

    /** Checks {@code tries} generated cases; throws an AssertionError naming the seed on the first failure. */
    void check(long seed, int tries, Consumer<T> property) {
        Random r = new Random(seed);
        for (int t = 0; t < tries; t++) {
            T c = generate.apply(r);
            Throwable first = failure(property, c);
            if (first == null) continue;
            Shrunk<T> s = shrink(c, first, property);
            AssertionError e = new AssertionError(name + " failed at try " + (t + 1) + " of " + tries + " with seed " + seed
                    + " (replay: -Dcowscope.seed=" + seed + ")\n  shrunk case (" + s.steps + " shrink steps): " + s.value
                    + "\n  original case: " + c + "\n  failure of the shrunk case: " + s.failure, s.failure);
            e.addSuppressed(first);
            throw e;
        }
    }

    record Shrunk<T>(T value, Throwable failure, int steps) {}

    Shrunk<T> shrink(T c, Throwable failure, Consumer<T> property) {
        T cur = c;
        Throwable why = failure;
        int steps = 0, checks = 0;
        boolean progress = true;
        while (progress && checks < MAX_SHRINK_CHECKS) {
            progress = false;
            for (T cand : shrink.apply(cur)) {
                if (++checks > MAX_SHRINK_CHECKS) break;
                Throwable f = failure(property, cand);
                if (f != null) {
                    cur = cand;
                    why = f;
                    steps++;
                    progress = true;
                    break;
                }
            }
        }
        return new Shrunk<>(cur, why, steps);
    }

    private static <T> Throwable failure(Consumer<T> property, T c) {
        try {
            property.accept(c);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }

    // ------------------------------------------------------------------ shrink helpers

    /** Smaller lists first: halves, then chunks of 8, 4, 2, 1 removed, then each element shrunk. */
    static <E> List<List<E>> shrinkList(List<E> l, int minSize, Function<E, List<E>> element) {
        List<List<E>> out = new ArrayList<>();
        int n = l.size();
        if (n / 2 >= minSize && n > 1) {
            out.add(List.copyOf(l.subList(0, n / 2)));
            out.add(List.copyOf(l.subList(n / 2, n)));
        }
        for (int chunk : new int[]{8, 4, 2, 1}) {
            if (n - chunk < minSize) continue;
            for (int i = 0; i + chunk <= n; i += chunk) {
                List<E> c = new ArrayList<>(l.subList(0, i));
                c.addAll(l.subList(i + chunk, n));
                out.add(c);
            }
        }
        for (int i = 0; i < n; i++) {
            for (E e : element.apply(l.get(i))) {
                List<E> c = new ArrayList<>(l);
                c.set(i, e);
                out.add(c);
            }
        }
        return out;
    }

    /** Towards {@code min}: min itself, then v minus half the distance, a quarter, … down to v - 1. */
    static List<Integer> shrinkInt(int v, int min) {
        List<Integer> out = new ArrayList<>();
        for (long d = (long) v - min; d > 0; d /= 2) out.add((int) (v - d));
        return out;
    }
}
