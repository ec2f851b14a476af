package io.cowscope.engine.op;

public enum Prot {
    RW("rw"), RO("ro"), NONE("none");

    public final String word;

    Prot(String word) {
        this.word = word;
    }

    public boolean readable() {
        return this != NONE;
    }

    public boolean writable() {
        return this == RW;
    }
}
