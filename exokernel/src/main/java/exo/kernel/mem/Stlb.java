package exo.kernel.mem;

/**
 * The software TLB: 16,384 direct-mapped entries caching bindings the kernel has already
 * verified (vaddr page → physical page with rights), as in Aegis. Consulted on every hardware
 * TLB miss before anything is forwarded.
 *
 * <p>Aegis had 4,096 entries. Four times that covers 64 MiB of consecutive pages, which the
 * example programs' large runs use: with 4,096, `exo run --stats guest-programs/src/sieve.s --
 * 50000000` (12,207 pages swept over and over) hit the STLB 7.2% of the time and forwarded
 * 6.85 million misses to the library OS, 6.6 s of engine time; with 16,384 it hits 98.3% and
 * forwards 12,208 (one per page, its first touch), 2.5 s. crc32's 64 MiB buffer goes from 0.1%
 * to 47% (32,768 forwarded misses to 16,384). Programs within 4,096 pages see the same lines as
 * before. It costs 384 KiB of host memory (docs/kernel-abi.md).
 *
 * <p>Entries are validated lazily: each records the environment id (which changes when an
 * environment is destroyed and its slot reused), the environment's flush epoch, and the page's
 * generation (which changes when the page is freed or repossessed). An entry whose recorded
 * values no longer match is a miss, so revoking a page or destroying an environment never
 * needs to sweep the table.
 */
public final class Stlb {
    public static final int ENTRIES = 16384;
    /** What {@link #lookup} answers when no valid line holds the binding. */
    public static final int MISS = -1;

    private final int[] vpn = new int[ENTRIES];
    private final int[] env = new int[ENTRIES];
    private final int[] epoch = new int[ENTRIES];
    private final int[] ppn = new int[ENTRIES];
    private final int[] flags = new int[ENTRIES];
    private final int[] pageGen = new int[ENTRIES];

    /** Line for (vpn, env): mixes the ASID bits in so environments using the same addresses do not collide. */
    public static int index(int vpn, int envId) {
        return (vpn ^ (envId & 0xFF) * 0x9E5) & (ENTRIES - 1);
    }

    public void insert(int vpn, int envId, int envEpoch, int ppn, int flags, int pageGen) {
        int i = index(vpn, envId);
        this.vpn[i] = vpn;
        this.env[i] = envId;
        this.epoch[i] = envEpoch;
        this.ppn[i] = ppn;
        this.flags[i] = flags;
        this.pageGen[i] = pageGen;
    }

    /**
     * The line holding a still-valid binding of vpn for (envId, envEpoch), or {@link #MISS}. Valid means
     * the page's generation is unchanged since the binding was verified.
     */
    public int lookup(int vpn, int envId, int envEpoch, PageOwners pages) {
        int i = index(vpn, envId);
        if (env[i] != envId || this.vpn[i] != vpn || epoch[i] != envEpoch || envId == 0) return MISS;
        int p = ppn[i];
        if (pages.generation(p) != pageGen[i]) return MISS;
        return i;
    }

    /** Drops the binding of vpn for envId, if cached. */
    public void remove(int vpn, int envId) {
        int i = index(vpn, envId);
        if (env[i] == envId && this.vpn[i] == vpn) env[i] = 0;
    }

    /** Takes write permission away from envId's cached binding of vpn, if cached. */
    public void downgrade(int vpn, int envId) {
        int i = index(vpn, envId);
        if (env[i] == envId && this.vpn[i] == vpn) flags[i] &= ~exo.emulator.machine.Tlb.WRITABLE;
    }

    /** The environment id recorded at line (0: empty), for the monitor's view. */
    public int env(int line) {
        return env[line];
    }

    public int vpn(int line) {
        return vpn[line];
    }

    public int ppn(int line) {
        return ppn[line];
    }

    public int flags(int line) {
        return flags[line];
    }
}
