package io.cowscope.engine;

/** What the UI animates (ui.md "What animates"); {@code word} is the name used by expectations and JSON. */
public enum EventType {
    FAULT("fault"), COW("cow"), REUSE("reuse"), UNSHARE("unshare"), FORK_COPY("fork_copy"), PIN("pin"), UNPIN("unpin"),
    GET("get"), PUT("put"), WRPROTECT("wrprotect"), MKWRITE("mkwrite"), SOFT_DIRTY_SET("soft_dirty_set"),
    SOFT_DIRTY_CLEAR("soft_dirty_clear"), SWAP_OUT("swap_out"), SWAP_IN("swap_in"), KSM_MERGE("ksm_merge"),
    LRU_ADD("lru_add"), LRU_DRAIN("lru_drain"), ALLOC("alloc"), FREE("free"), SIGSEGV("sigsegv"), BLOCKED("blocked"),
    UNBLOCKED("unblocked"), SPLIT("split"), MAP("map"), UNMAP("unmap"), FORK("fork"), EXIT("exit"), UFFD("uffd"),
    DMA("dma"), PIPE("pipe"), HAZARD("hazard"), WARNING("warning"), NOTE("note");

    public final String word;

    EventType(String word) {
        this.word = word;
    }

    public static EventType fromWord(String w) {
        for (EventType t : values()) if (t.word.equals(w)) return t;
        return null;
    }
}
