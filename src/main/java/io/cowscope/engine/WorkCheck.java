package io.cowscope.engine;

/**
 * A cooperative stop for loops whose length grows with the pages mapped (state snapshots, digests,
 * runs of statements). The engine holds no clock policy: whoever bounds a request's time installs a
 * check for its thread (the session's {@code Deadline} does, for {@code cowscope.session.max-run-millis});
 * such loops call {@link #poll}, which runs it. A check stops the work by throwing an exception that
 * implements {@link Stop}; code that turns other exceptions into a result ("unobservable", an
 * internal error on a step) lets a Stop pass.
 */
public final class WorkCheck {
    /** marks the exceptions a check throws to stop the work */
    public interface Stop {
    }

    private static final ThreadLocal<Runnable> CHECK = new ThreadLocal<>();

    private WorkCheck() {
    }

    /** installs {@code check} for this thread and returns the one it replaces (null for none) */
    public static Runnable install(Runnable check) {
        Runnable previous = CHECK.get();
        if (check == null) {
            CHECK.remove();
        } else {
            CHECK.set(check);
        }
        return previous;
    }

    /** runs this thread's check, if any: throws a {@link Stop} when the work must end */
    public static void poll() {
        Runnable check = CHECK.get();
        if (check != null) {
            check.run();
        }
    }

    /** whether {@code e} is a check's stop, to be rethrown by code that catches RuntimeException */
    public static boolean isStop(Throwable e) {
        return e instanceof Stop;
    }
}
