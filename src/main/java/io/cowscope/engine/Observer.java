package io.cowscope.engine;

import java.util.List;

/**
 * Side-effect-free queries (no fault, no LRU effect) answering every {@code expect} of the scenario
 * language. Names that do not exist raise {@link IllegalArgumentException}; everything else answers.
 * Page-subject queries take the process, the mapping name and the page index.
 */
public interface Observer {
    /**
     * What a read of PROC.VAR[i] would return now: "" for the zero page, a never-written or wiped page, or an
     * empty PTE in an anonymous VMA; the page-cache (or disk) content for an empty PTE of a file mapping; the swap
     * slot's content for a swap entry. {@code null} when no readable VMA covers the page (a read would SIGSEGV).
     */
    String content(String proc, String var, int index);

    /** same physical page (same pfn, or the same swap slot); false if either is unmapped */
    boolean shares(String proc, String var, int index, String proc2, String var2, int index2);

    boolean zero(String proc, String var, int index);

    /** no PTE (neither present nor swap entry), with or without a VMA */
    boolean unmapped(String proc, String var, int index);

    boolean swapped(String proc, String var, int index);

    PteView pte(String proc, String var, int index);

    /** the page the PTE maps (present, or still in the swap cache for a swap entry); null if none */
    PageView page(String proc, String var, int index);

    PageView pageByPfn(long pfn);

    Pagemap pagemap(String proc, String var, int index);

    /** what the device would read through the handle: one entry per page */
    ReadValue handleContent(String handle);

    /** every page of the handle is still the page its process maps at that address */
    boolean handleCoherent(String handle);

    boolean handleLive(String handle);

    /** what a read of the pipe would return now, without consuming */
    ReadValue pipeContent(String pipe);

    String fileContent(String file, int index);

    ProcState processState(String proc);

    boolean blocked(String proc);

    int pid(String proc);

    Stats stats();

    List<Hazard> hazards();

    boolean hazardRaised(HazardType type);

    /** size of the mapping in pages (the name keeps its size after munmap) */
    int mappingPages(String proc, String var);

    /**
     * One character per page of proc.var[first..last] for strip views of huge mappings: 'x' no VMA,
     * '.' no PTE, 'z' zero page, 'r' present read-only, 'w' present writable, 'h' / 'H' PMD-mapped
     * read-only / writable, 's' swap entry, 'S' exclusive swap entry.
     */
    String pteStrip(String proc, String var, int first, int last);

    /** last applied step, or null before the first */
    Step lastStep();

    /** the machine's names, for validators: processes, pipes, handles, files */
    List<String> processes();

    KernelVersion kernel();
}
