package exo.kernel.abi;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Tlb;
import exo.kernel.boot.ImageLoader;
import exo.kernel.env.KernelEvent;
import exo.kernel.error.KernelError;
import exo.kernel.forward.Forwarder;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.mem.TlbBatch;
import exo.kernel.sched.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates, from {@link KernelCall} and {@link KernelError}, the guest include file
 * ({@value #INCLUDE}: .equ constants and one stub macro per call), the guest's cause names
 * ({@value #CAUSES}, from {@link Cause}) and the tables of
 * {@value #DOC} (between {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}
 * markers; the prose around them is written by hand). {@code main} rewrites all three; a test
 * fails if any differs from what the tables generate.
 */
public final class AbiDocs {
    public static final String INCLUDE = "guest-runtime/src/exo/kernel.inc";
    public static final String DOC = "docs/kernel-abi.md";
    public static final String CAUSES = "guest-runtime/src/exo/causes.inc";

    private AbiDocs() {}

    /** Every constant the guest sees, in include-file order, grouped by heading. */
    public static Map<String, Map<String, Long>> constants() {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        Map<String, Long> calls = new LinkedHashMap<>();
        for (KernelCall c : KernelCall.values()) calls.put(c.symbol(), (long) c.number);
        groups.put("Kernel call numbers: the code field of `syscall`", calls);
        Map<String, Long> errors = new LinkedHashMap<>();
        for (KernelError e : KernelError.values()) errors.put(e.symbol, (long) e.code);
        groups.put("Error codes, returned negative in a0 (k1 for pct_*)", errors);
        Map<String, Long> causes = new LinkedHashMap<>();
        for (int code = 0; code < KernelEvent.COUNT; code++) {
            if (named(code)) causes.put(causeSymbol(code), (long) code);
        }
        groups.put("Causes and kernel events (CAUSE word of the save area; env_set_handler)", causes);
        Map<String, Long> save = new LinkedHashMap<>();
        save.put("SAVE_EPC", (long) Forwarder.SAVE_EPC);
        save.put("SAVE_CAUSE", (long) Forwarder.SAVE_CAUSE);
        save.put("SAVE_BADVADDR", (long) Forwarder.SAVE_BADVADDR);
        save.put("SAVE_BUSY", (long) Forwarder.SAVE_BUSY);
        save.put("SAVE_SIZE", (long) Forwarder.SAVE_SIZE);
        groups.put("Save area layout (byte offsets)", save);
        Map<String, Long> tlb = new LinkedHashMap<>();
        tlb.put("TLB_V", (long) Tlb.VALID);
        tlb.put("TLB_W", (long) Tlb.WRITABLE);
        tlb.put("TLB_X", (long) Tlb.EXECUTABLE);
        tlb.put("TLB_N", (long) Tlb.NOCACHE);
        tlb.put("TLB_REF", (long) Tlb.REFERENCED);
        tlb.put("TLB_SLOTS", (long) Tlb.SIZE);
        groups.put("TLB flags", tlb);
        Map<String, Long> batch = new LinkedHashMap<>();
        batch.put("TLBOP_WRITE", (long) TlbBatch.OP_WRITE);
        batch.put("TLBOP_FLUSH", (long) TlbBatch.OP_FLUSH);
        batch.put("TLBOP_PROTECT", (long) TlbBatch.OP_PROTECT);
        batch.put("TLBOP_FLAGS_SHIFT", (long) TlbBatch.FLAGS_SHIFT);
        batch.put("TLBOP_SIZE", (long) TlbBatch.OP_SIZE);
        batch.put("TLB_BATCH_MAX", (long) TlbBatch.MAX_OPS);
        batch.put("TLBOP_MAX_PAGES", (long) TlbBatch.MAX_PAGES);
        groups.put("TLB batches (tlb_batch): word 0 of an operation is vaddr | flags << TLBOP_FLAGS_SHIFT | kind", batch);
        Map<String, Long> verify = new LinkedHashMap<>();
        verify.put("MISS_HANDLER_MAX", (long) DownloadedHandler.MAX_INSTRUCTIONS);
        for (DownloadedHandler.Rule rule : DownloadedHandler.Rule.values()) verify.put("VERIFY_" + rule.name(), (long) rule.code);
        verify.put("EXC_REGS", DownloadedHandler.REGS & 0xFFFF_FFFFL);
        groups.put("Downloaded handlers (env_set_miss_handler, env_set_exc_handler): size, the verifier's rules (a2 with E_VERIFY), and where an exception handler finds the interrupted registers", verify);
        Map<String, Long> misc = new LinkedHashMap<>();
        misc.put("PC_PROLOGUE", (long) KernelCallHandlers.PC_PROLOGUE);
        misc.put("PC_EPILOGUE", (long) KernelCallHandlers.PC_EPILOGUE);
        misc.put("PC_IPC", (long) KernelCallHandlers.PC_IPC);
        misc.put("PC_START", (long) KernelCallHandlers.PC_START);
        misc.put("PC_IPC_ONCE", (long) KernelCallHandlers.PC_IPC_ONCE);
        misc.put("PCT_KIND_SYNC", 1L);
        misc.put("PCT_KIND_ASYNC", 2L);
        misc.put("TIME_SLOTS", (long) Scheduler.SLOTS);
        misc.put("STACK_TOP", ImageLoader.STACK_TOP & 0xFFFFFFFFL);
        misc.put("STACK_PAGES", (long) ImageLoader.STACK_PAGES);
        misc.put("BOOT_COUNT", ImageLoader.BOOT_COUNT & 0xFFFFFFFFL);
        misc.put("BOOT_IDS", ImageLoader.BOOT_IDS & 0xFFFFFFFFL);
        groups.put("Entry points, transfers, slices, start-up", misc);
        return groups;
    }

    /** Whether a cause or a kernel event has code. */
    private static boolean named(int code) {
        return Cause.ofCode(code) != null || KernelEvent.isEvent(code);
    }

    static String causeSymbol(int code) {
        return "CAUSE_" + KernelEvent.name(code).toUpperCase().replace('-', '_');
    }

    /** The guest include file. */
    public static String includeFile() {
        StringBuilder b = new StringBuilder();
        b.append("# The exokernel ABI for guest code. Generated from exo.kernel.abi.KernelCall by\n");
        b.append("# exo.kernel.abi.AbiDocs; do not edit: change the table and regenerate.\n");
        for (Map.Entry<String, Map<String, Long>> g : constants().entrySet()) {
            b.append("\n# ").append(g.getKey().replace("`", "")).append('\n');
            for (Map.Entry<String, Long> c : g.getValue().entrySet()) {
                long v = c.getValue();
                b.append(".equ ").append(c.getKey()).append(", ").append(v > 255 ? String.format("0x%x", v) : Long.toString(v)).append('\n');
            }
        }
        b.append("\n# Stubs: arguments in a0..a7 (pct_*: callee in k1), results in a0..a2.\n");
        for (KernelCall c : KernelCall.values()) {
            b.append(".macro sys_").append(c.callName).append('\n');
            b.append("    syscall ").append(c.symbol()).append('\n');
            b.append(".endm\n");
        }
        return b.toString();
    }

    /**
     * The guest's names of causes and kernel events ({@value #CAUSES}, included in the read-only
     * data of libos/exc.s): {@code cause_names}, one word per code pointing at the code's short
     * name, or at "unknown" for a code nothing has.
     */
    public static String causeNamesFile() {
        StringBuilder words = new StringBuilder();
        StringBuilder names = new StringBuilder("n_unknown: .asciz \"unknown\"\n");
        for (int code = 0; code < KernelEvent.COUNT; code++) {
            String label = named(code) ? "n_" + KernelEvent.name(code).replace('-', '_') : "n_unknown";
            words.append("        .word   ").append(label).append(" # ").append(code).append('\n');
            if (named(code)) names.append(label).append(": .asciz \"").append(KernelEvent.name(code)).append("\"\n");
        }
        return "# Cause and kernel-event names by code, for cause_name in libos/exc.s. Generated from\n"
                + "# exo.emulator.machine.Cause and the kernel events by exo.kernel.abi.AbiDocs; do not edit.\n"
                + "cause_names:\n" + words + names;
    }

    /** The generated tables of the ABI document, by marker name. */
    public static Map<String, String> docTables() {
        Map<String, String> t = new LinkedHashMap<>();
        StringBuilder calls = new StringBuilder("| # | call | arguments | results | errors |\n|---|---|---|---|---|\n");
        for (KernelCall c : KernelCall.values()) {
            calls.append("| ").append(c.number).append(" | `").append(c.callName).append("` | ")
                    .append(c.args.isEmpty() ? "—" : String.join("; ", c.args)).append(" | ").append(c.results).append(" | ");
            StringBuilder errs = new StringBuilder();
            for (KernelError e : c.errors) errs.append(errs.length() == 0 ? "" : ", ").append(e.symbol);
            calls.append(errs.length() == 0 ? "—" : errs).append(" |\n");
        }
        calls.append('\n');
        for (KernelCall c : KernelCall.values()) calls.append("- `").append(c.callName).append("`: ").append(c.description).append('\n');
        t.put("calls", calls.toString());
        StringBuilder errors = new StringBuilder("| code | name | meaning |\n|---|---|---|\n");
        for (KernelError e : KernelError.values()) errors.append("| ").append(e.code).append(" | `").append(e.symbol).append("` | ").append(e.meaning).append(" |\n");
        errors.append("| — | `E_NOSYS` also | any `syscall` whose code field names no call returns E_NOSYS in a0 |\n");
        t.put("errors", errors.toString());
        StringBuilder consts = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> g : constants().entrySet()) {
            if (g.getKey().startsWith("Kernel call") || g.getKey().startsWith("Error")) continue;
            consts.append("**").append(g.getKey()).append("**: ");
            StringBuilder row = new StringBuilder();
            for (Map.Entry<String, Long> c : g.getValue().entrySet()) {
                long v = c.getValue();
                row.append(row.length() == 0 ? "" : ", ").append('`').append(c.getKey()).append(" = ").append(v > 255 ? String.format("0x%x", v) : Long.toString(v)).append('`');
            }
            consts.append(row).append("\n\n");
        }
        t.put("constants", consts.toString());
        StringBuilder costs = new StringBuilder("| constant | cycles |\n|---|---|\n");
        java.lang.reflect.Field[] fields = exo.os.CostModel.class.getFields();
        java.util.Arrays.sort(fields, java.util.Comparator.comparing(java.lang.reflect.Field::getName));
        for (java.lang.reflect.Field f : fields) {
            try {
                costs.append("| `").append(f.getName()).append("` | ").append(f.getInt(null)).append(" |\n");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        t.put("costs", costs.toString());
        return t;
    }

    /** existing with every generated region replaced by its current contents. */
    public static String updateDoc(String existing) {
        String s = existing;
        for (Map.Entry<String, String> t : docTables().entrySet()) {
            String begin = "<!-- generated:" + t.getKey() + " -->\n";
            String end = "<!-- end:" + t.getKey() + " -->";
            int a = s.indexOf(begin);
            int z = s.indexOf(end);
            if (a < 0 || z < a) throw new IllegalStateException(DOC + " lacks the markers for the generated '" + t.getKey() + "' table");
            s = s.substring(0, a + begin.length()) + t.getValue() + s.substring(z);
        }
        return s;
    }

    /** Regenerates the three files under the project root given as the only argument (default "."). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Path inc = root.resolve(INCLUDE);
        Files.createDirectories(inc.getParent());
        Files.writeString(inc, includeFile(), StandardCharsets.UTF_8);
        Files.writeString(root.resolve(CAUSES), causeNamesFile(), StandardCharsets.UTF_8);
        Path doc = root.resolve(DOC);
        Files.writeString(doc, updateDoc(Files.readString(doc, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
