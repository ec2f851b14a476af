package io.cowscope.engine;

/** kernel-model.md §8 */
public enum HazardType {
    LEAK("leak"), COHERENCY_LOST("coherency_lost"), FILE_CORRUPTED("file_corrupted"), SPURIOUS_COW("spurious_cow"), SIGSEGV("sigsegv");

    public final String word;

    HazardType(String word) {
        this.word = word;
    }

    public static HazardType fromWord(String w) {
        for (HazardType t : values()) if (t.word.equals(w)) return t;
        return null;
    }
}
