package exo.kernel.env;

import exo.emulator.machine.Machine;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.os.AsidTable;
import exo.os.CostModel;
import exo.os.KernelOptions;
import exo.os.ProgramImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The environment table: live environments by ASID, the one on the CPU, and the lookups kernel
 * calls name environments with.
 *
 * <p>An environment's id is {@code generation << 8 | ASID}, where the generation counts how
 * often that ASID has been given out, so the id of a destroyed environment is never reused and
 * a stale id finds nothing. Its capability is a 64-bit token drawn from a generator seeded by
 * {@code options.seed()} (never 0, so an all-zero capability is always refused).
 */
public final class Environments {
    private final Machine machine;
    private final CostModel cost;
    private final KernelOptions options;
    private final AsidTable<Environment> byAsid;
    /** How often each ASID has been given out. */
    private final int[] generation = new int[KernelOptions.MAX_ENVIRONMENTS + 1];
    private final SplittableRandom tokens;
    /** The environment on the CPU, or null before the first run and after the last exit. */
    private Environment current;

    public Environments(Machine machine, CostModel cost, KernelOptions options) {
        this.machine = machine;
        this.cost = cost;
        this.options = options;
        this.byAsid = new AsidTable<>(options.maxEnvironments(), cost, machine.tlb);
        this.tokens = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 1);
    }

    /** Creates an environment (parent 0 for one the host boots) under the lowest free ASID. Throws E_NOENV when the table is full. */
    public Environment create(int parent, String name, ProgramImage.Symbolizer symbolizer) {
        return byAsid.add(asid -> {
            generation[asid]++;
            int id = generation[asid] << 8 | asid;
            long token;
            do token = tokens.nextLong(); while (token == 0);
            return new Environment(id, parent, name, token, symbolizer, options.pagesPerEnv());
        }).orElseThrow(() -> new GuestError(KernelError.NOENV));
    }

    /** The live environment with this id, or null. */
    public Environment get(int id) {
        Environment e = byAsid.get(Environment.asidOf(id));
        return e != null && e.id == id && e.alive() ? e : null;
    }

    /**
     * Resolves the (id, capability) pair kernel calls name an environment with: id 0 is the
     * caller itself (no capability needed); any other id needs that environment's token.
     */
    public Environment target(Environment self, int id, long token) {
        if (id == 0 || id == self.id) return self;
        cost.charge(CostModel.TABLE_TOUCH + CostModel.CAP_CHECK);
        Environment e = get(id);
        if (e == null) throw new GuestError(KernelError.BADENV);
        if (e.token != token) throw new GuestError(KernelError.BADCAP);
        return e;
    }

    /** Takes a destroyed environment out of the table; its ASID is free again. */
    public void remove(Environment e) {
        byAsid.remove(e.asid);
    }

    /** Every live environment, by ASID. */
    public List<Environment> all() {
        return byAsid.all();
    }

    /** Whether any environment is live. */
    public boolean any() {
        return !byAsid.isEmpty();
    }

    /** The environment on the CPU, or null. */
    public Environment current() {
        return current;
    }

    /** Puts e on the CPU: its ASID becomes the machine's. Registers and PC are the caller's business. */
    public void setCurrent(Environment e) {
        current = e;
        machine.setAsid(e.asid);
    }

    /** Nobody is on the CPU (the environment that was has ended). */
    public void clearCurrent() {
        current = null;
    }
}
