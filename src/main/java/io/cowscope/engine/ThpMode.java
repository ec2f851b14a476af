package io.cowscope.engine;

/** /sys/kernel/mm/transparent_hugepage/enabled */
public enum ThpMode {
    NEVER, MADVISE, ALWAYS
}
