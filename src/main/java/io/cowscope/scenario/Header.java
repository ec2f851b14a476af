package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.cowscope.engine.KernelVersion;

/** The header with its defaults applied: what the machine is configured with. */
public record Header(String title, List<String> descriptions, String kernel, int cpus, ThpMode thp, boolean swap,
                     boolean softDirty, List<HeaderItem.FileDecl> files, int faultAroundBytes, List<HeaderItem.Mthp> mthp) {

    /** the kernel's default fault_around_bytes */
    public static final int DEFAULT_FAULT_AROUND_BYTES = 65536;

    public Header(String title, List<String> descriptions, String kernel, int cpus, ThpMode thp, boolean swap,
                  boolean softDirty, List<HeaderItem.FileDecl> files) {
        this(title, descriptions, kernel, cpus, thp, swap, softDirty, files, DEFAULT_FAULT_AROUND_BYTES);
    }

    public Header(String title, List<String> descriptions, String kernel, int cpus, ThpMode thp, boolean swap,
                  boolean softDirty, List<HeaderItem.FileDecl> files, int faultAroundBytes) {
        this(title, descriptions, kernel, cpus, thp, swap, softDirty, files, faultAroundBytes, List.of());
    }

    public Header {
        mthp = mthp == null ? List.of() : List.copyOf(mthp);
    }

    /** an mTHP size's setting: hugepages-&lt;size&gt;kB/enabled */
    public enum MthpMode {
        ALWAYS, INHERIT, MADVISE, NEVER;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static MthpMode fromWord(String w) {
            for (MthpMode m : values()) if (m.word().equals(w)) return m;
            return null;
        }
    }

    public enum ThpMode {
        NEVER, MADVISE, ALWAYS;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static ThpMode fromWord(String w) {
            for (ThpMode m : values()) if (m.word().equals(w)) return m;
            return null;
        }
    }

    /** The descriptions joined by newlines ("" when none). */
    public String description() {
        return String.join("\n", descriptions);
    }

    /** The kernel line's version; 6.18 when absent or "latest". */
    public KernelVersion kernelVersion() {
        return KernelVersion.parse(kernel).orElse(KernelVersion.LATEST);
    }

    static Header of(List<HeaderLine> lines) {
        String title = null, kernel = "latest";
        List<String> descs = new ArrayList<>();
        int cpus = 1;
        ThpMode thp = ThpMode.MADVISE;
        boolean swap = true, softDirty = true;
        int faultAround = DEFAULT_FAULT_AROUND_BYTES;
        List<HeaderItem.FileDecl> files = new ArrayList<>();
        List<HeaderItem.Mthp> mthp = new ArrayList<>();
        for (HeaderLine l : lines) {
            HeaderItem i = l.item();
            if (i instanceof HeaderItem.Title t) title = t.text();
            else if (i instanceof HeaderItem.Description d) descs.add(d.text());
            else if (i instanceof HeaderItem.Kernel k) kernel = k.version();
            else if (i instanceof HeaderItem.Cpus c) cpus = c.count();
            else if (i instanceof HeaderItem.Thp t) thp = t.mode();
            else if (i instanceof HeaderItem.Swap s) swap = s.on();
            else if (i instanceof HeaderItem.SoftDirty s) softDirty = s.on();
            else if (i instanceof HeaderItem.FaultAroundBytes b) faultAround = b.bytes();
            else if (i instanceof HeaderItem.FileDecl f) files.add(f);
            else if (i instanceof HeaderItem.Mthp t) mthp.add(t);
        }
        return new Header(title, List.copyOf(descs), kernel, cpus, thp, swap, softDirty, List.copyOf(files), faultAround, mthp);
    }
}
