package io.cowscope.engine.op;

/** madvise(2) advice, with the kernel's MADV_ names. */
public enum Advice {
    DONTNEED("dontneed"), DONTFORK("dontfork"), DOFORK("dofork"), WIPEONFORK("wipeonfork"),
    KEEPONFORK("keeponfork"), MERGEABLE("mergeable"), UNMERGEABLE("unmergeable"), PAGEOUT("pageout"),
    HUGEPAGE("hugepage"), NOHUGEPAGE("nohugepage");

    public final String word;

    Advice(String word) {
        this.word = word;
    }

    public static Advice fromWord(String w) {
        for (Advice a : values()) if (a.word.equals(w)) return a;
        return null;
    }
}
