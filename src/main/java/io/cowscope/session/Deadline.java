package io.cowscope.session;

/**
 * The time budget of one load (or re-run): {@code cowscope.session.max-run-millis} for the whole
 * of it, the runs, the digests and the answer built from them. Set for the request's thread by
 * whoever starts the work ({@link #start}); loops that may run long call {@link #check} (the
 * timeline's run loop does per operation, result building per step or page batch). Past it a
 * {@link LimitException} names the property, and the caller drops whatever it had built.
 */
public final class Deadline implements AutoCloseable {
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();
    /** what the engine's long loops (snapshots, digests) run: {@link io.cowscope.engine.WorkCheck} */
    private static final Runnable ENGINE_CHECK = () -> check("while building a state or digest");

    /** the budget is spent; the engine's loops let it pass ({@link io.cowscope.engine.WorkCheck.Stop}) */
    public static final class Exceeded extends LimitException implements io.cowscope.engine.WorkCheck.Stop {
        Exceeded(String message) {
            super(message);
        }
    }

    private final long startedNanos = System.nanoTime();
    private final long budgetNanos;
    private final long maxRunMillis;
    private final Deadline outer;
    private final Runnable outerEngineCheck;

    private Deadline(long maxRunMillis) {
        this.maxRunMillis = maxRunMillis;
        this.budgetNanos = maxRunMillis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : maxRunMillis * 1_000_000L;
        this.outer = CURRENT.get();
        this.outerEngineCheck = io.cowscope.engine.WorkCheck.install(ENGINE_CHECK);
    }

    /** starts a budget for this thread; an enclosing one still applies (the earlier end wins) */
    public static Deadline start(long maxRunMillis) {
        Deadline d = new Deadline(maxRunMillis);
        CURRENT.set(d);
        return d;
    }

    /** throws LimitException when this thread's budget (if any) is spent; {@code what} says where */
    public static void check(String what) {
        for (Deadline d = CURRENT.get(); d != null; d = d.outer) {
            d.checkOwn(what);
        }
    }

    private void checkOwn(String what) {
        if (System.nanoTime() - startedNanos > budgetNanos) {
            throw new Exceeded("the request took longer than " + maxRunMillis + " ms and was stopped"
                    + (what == null ? "" : " " + what) + " (cowscope.session.max-run-millis)");
        }
    }

    /** milliseconds since the start */
    public long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000L;
    }

    @Override
    public void close() {
        io.cowscope.engine.WorkCheck.install(outerEngineCheck);
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
