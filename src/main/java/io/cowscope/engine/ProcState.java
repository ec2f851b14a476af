package io.cowscope.engine;

public enum ProcState {
    ALIVE("alive"), EXITED("exited"), KILLED("killed");

    public final String word;

    ProcState(String w) {
        word = w;
    }
}
