package exo.kernel.disk;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.forward.Forwarder;
import exo.kernel.mem.Memory;
import exo.kernel.mem.PageOwners;
import exo.os.CostModel;
import exo.os.KernelOptions;
import exo.os.Stats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Disk blocks with secure bindings: allocation by number or any, capabilities as for pages,
 * DMA between a block and a page only with a capability for each, and completions reported to
 * the environment that asked.
 *
 * <p>The guards: a block is named by number and capability ({@link BlockOwners#check}); reading
 * a block needs either of its capabilities and the page's read-write one (the DMA writes the
 * page), writing it needs its read-write capability and either of the page's. The kernel's
 * metadata blocks are never DMA targets (the device refuses them too); the root block is one,
 * for whoever holds its capability, but cannot be freed.
 * While a request is in flight its page is pinned — not freeable, not repossessed — and its
 * block cannot be freed.
 *
 * <p>Completion: the device interrupt ({@link Cause#DISK}) reaches {@link #interrupt}, which
 * appends each finished request (tag, status) to its requester's completion queue, popped by
 * blk_done. If the requester is on the CPU, has a handler for {@code CAUSE_DISK} and may take an
 * upcall, the interrupt is also forwarded to it as an exception with BADVADDR = the tag;
 * otherwise the completion waits in the queue. An environment destroyed with requests in flight
 * has them cancelled (a write not yet done never happens).
 *
 * <p>Durability: blk_flush stores the block table into the device's write-back buffer and
 * queues a flush; when it completes, every write completed before it and the table are in the
 * image. Ownership changes since the last flush are lost if the host dies.
 */
public final class Blocks {
    /** blk_done's status for a request that completed. */
    public static final int DONE_OK = 0;

    /** A request in flight: who asked, for which block and page (-1 for a flush). */
    private record InFlight(Environment env, int block, int ppn) {}

    private final Machine machine;
    private final Disk disk;
    private final CostModel cost;
    private final Stats stats;
    private final PageOwners pages;
    private final Memory memory;
    private final Forwarder forwarder;
    private final BlockOwners owners;
    private final int quota;
    private final Environments envs;
    private final BlockRevoker revoker;
    private final Map<Integer, InFlight> inFlight = new HashMap<>();
    private final Map<Integer, Integer> blockRequests = new HashMap<>();
    private final Map<Environment, ArrayDeque<long[]>> completions = new HashMap<>();

    /**
     * The blocks of the machine's disk, mounted now (none if the machine has no disk: every call
     * then answers E_NODEV).
     *
     * @throws exo.emulator.machine.DiskException if the image's metadata is not valid
     */
    public Blocks(Machine machine, CostModel cost, Stats stats, KernelOptions options, PageOwners pages, Memory memory, Forwarder forwarder,
                  Environments envs, Consumer<String> log) {
        this.machine = machine;
        this.envs = envs;
        this.stats = stats;
        this.revoker = new BlockRevoker(machine.cpu, options, cost, stats, forwarder, log);
        this.disk = machine.disk();
        this.cost = cost;
        this.pages = pages;
        this.memory = memory;
        this.forwarder = forwarder;
        this.quota = options.blocksPerEnv();
        this.owners = disk == null ? null : BlockOwners.mount(disk, options.seed());
    }

    /** The block table, or null without a disk (for tools and tests: read it, do not change it). */
    public BlockOwners owners() {
        return owners;
    }

    private BlockOwners table() {
        if (owners == null) throw new GuestError(KernelError.NODEV);
        cost.charge(CostModel.TABLE_TOUCH);
        return owners;
    }

    /** The root block and its read-write capability, for an environment the host booted (E_PERM for any other). */
    public long[] root(Environment e) {
        BlockOwners t = table();
        if (e.parent != 0) throw new GuestError(KernelError.PERM);
        return new long[] {t.root(), t.rwToken(t.root())};
    }

    /**
     * Allocates block b (or any, -1) to e; returns {block, read-write token}. E_LIMIT if e's id
     * already holds its quota of blocks ({@link KernelOptions#blocksPerEnv}).
     */
    public long[] allocate(Environment e, int b) {
        BlockOwners t = table();
        if (b < 0 && b != BlockOwners.ANY) throw new GuestError(KernelError.INVAL);
        if (t.heldBy(e.id) >= quota) throw new GuestError(KernelError.LIMIT);
        int got;
        try {
            got = t.allocate(b, e.id);
        } catch (GuestError full) {
            if (full.error == KernelError.NOSPC) revoker.reclaimFor(this, envs.all(), e);
            throw full;
        }
        return new long[] {got, t.rwToken(got)};
    }

    /** Frees a data block given its read-write capability; E_BUSY while a request on it is in flight. */
    public void free(Environment e, int b, long token) {
        BlockOwners t = table();
        check(t, b, token, true);
        if (t.owner(b) == BlockOwners.KERNEL) throw new GuestError(KernelError.PERM);
        if (blockRequests.containsKey(b)) throw new GuestError(KernelError.BUSY);
        t.release(b);
    }

    /** The read-only capability of b, given its read-write one. */
    public long capRo(int b, long token) {
        BlockOwners t = table();
        check(t, b, token, true);
        return t.roToken(b);
    }

    private void check(BlockOwners t, int b, long token, boolean needWrite) {
        cost.charge(CostModel.CAP_CHECK);
        t.check(b, token, needWrite);
    }

    /** Queues block b → page ppn for e; returns the request's tag. */
    public int read(Environment e, int b, long blockToken, int ppn, long pageToken) {
        return transfer(e, Disk.READ, b, blockToken, ppn, pageToken);
    }

    /** Queues page ppn → block b for e; returns the request's tag. */
    public int write(Environment e, int b, long blockToken, int ppn, long pageToken) {
        return transfer(e, Disk.WRITE, b, blockToken, ppn, pageToken);
    }

    private int transfer(Environment e, int op, int b, long blockToken, int ppn, long pageToken) {
        BlockOwners t = table();
        check(t, b, blockToken, op == Disk.WRITE);
        if (b < t.root()) throw new GuestError(KernelError.PERM);     // metadata: never a DMA target
        memory.checkCap(ppn, pageToken, op == Disk.READ);
        int tag = submit(op, b, ppn);
        pages.pin(ppn);
        blockRequests.merge(b, 1, Integer::sum);
        inFlight.put(tag, new InFlight(e, b, ppn));
        return tag;
    }

    /** Stores the block table and queues a flush; its completion means everything before it is durable. */
    public int flush(Environment e) {
        BlockOwners t = table();
        t.store(disk);
        cost.charge(CostModel.TABLE_TOUCH * t.metaBlocks());
        int tag = submit(Disk.FLUSH, 0, 0);
        inFlight.put(tag, new InFlight(e, -1, -1));
        return tag;
    }

    private int submit(int op, int b, int ppn) {
        int tag = disk.submit(op, b, ppn, machine.cpu.cycles, machine.memory);
        if (tag == Disk.QUEUE_FULL) throw new GuestError(KernelError.BUSY);
        if (tag < 0) throw new IllegalStateException("the kernel passed the disk a malformed descriptor: " + tag);
        cost.charge(CostModel.TABLE_TOUCH);
        return tag;
    }

    /** The oldest completion of e's: {tag, status (0 or E_IO)}; E_NOTFOUND if none. */
    public long[] done(Environment e) {
        table();
        ArrayDeque<long[]> q = completions.get(e);
        if (q == null || q.isEmpty()) throw new GuestError(KernelError.NOTFOUND);
        long[] c = q.pollFirst();
        if (q.isEmpty()) completions.remove(e);
        return c;
    }

    /** Whether a request on block b is in flight (it cannot be freed or repossessed now). */
    boolean busy(int b) {
        return blockRequests.containsKey(b);
    }

    /**
     * Asks e for block b back (the host's and the tests' way in; blk_alloc asks on its own when
     * the disk is full). False if nothing was asked: see {@link BlockRevoker#request}.
     */
    public boolean requestBack(Environment e, int b) {
        return owners != null && revoker.request(this, e, b);
    }

    /**
     * blk_revoke: caller asks environment id, whose capability token it holds (not itself), for
     * block b back. Refused before anything is asked: E_INVAL for id 0 or the caller's own,
     * E_BADENV/E_BADCAP for an environment the caller has no capability for, then as
     * {@link #revoke}.
     */
    public void revokeFor(Environment caller, int id, long token, int b) {
        table();
        if (id == 0 || id == caller.id) throw new GuestError(KernelError.INVAL);
        revoke(envs.target(caller, id, token), b);
    }

    /**
     * Asks e for data block b back by the revocation deadline (blk_revoke, and the host's way:
     * the monitor's {@code revoke-block}). E_INVAL: b is not a data block (the kernel's table,
     * the root, beyond the disk); E_PERM: e's id does not hold b; E_BUSY: a request on b is in
     * flight, or e has a block revocation outstanding (one at a time). Charges nothing.
     */
    public void revoke(Environment e, int b) {
        BlockOwners t = owners;                           // the caller charged the table touch: a host's request costs the guest nothing
        if (t == null) throw new GuestError(KernelError.NODEV);
        if (!t.isData(b)) throw new GuestError(KernelError.INVAL);
        if (t.owner(b) != e.id) throw new GuestError(KernelError.PERM);
        if (busy(b) || revoker.outstanding(e) >= 0) throw new GuestError(KernelError.BUSY);
        if (!revoker.request(this, e, b)) throw new IllegalStateException("a block revocation the guards allowed was not asked: " + e + " block " + b);
    }

    /**
     * The host's request ({@link exo.os.GuestOs#revokeBlock}): {@link #revoke}, with each refusal
     * said in words. Returns the line the kernel logged.
     */
    public String revokeByHost(Environment e, int b) {
        if (owners == null) throw new IllegalArgumentException("no disk: start with --disk FILE");
        try {
            revoke(e, b);
        } catch (GuestError refused) {
            throw new IllegalArgumentException(switch (refused.error) {
                case INVAL -> "block " + b + " is not a data block (data blocks are " + owners.firstData() + "-" + (owners.blocks() - 1) + ")";
                case PERM -> "block " + b + " is not held by " + e + ": " + ownerName(owners.owner(b));
                default -> revoker.outstanding(e) >= 0 ? e + " is already asked for block " + revoker.outstanding(e) + " (one request at a time)"
                        : "block " + b + " has a request in flight; ask when it completes";
            });
        }
        return e + ": asked to give back disk block " + b + " by cycle " + revoker.deadline(e);
    }

    private static String ownerName(int owner) {
        return owner == BlockOwners.FREE ? "it is free" : owner == BlockOwners.KERNEL ? "it is the kernel's" : "environment " + owner + " holds it";
    }

    /** e's outstanding block revocation request's block, or -1. */
    public int revocationOf(Environment e) {
        return owners == null ? -1 : revoker.outstanding(e);
    }

    /** At every kernel entry: retire honoured block requests, repossess overdue blocks. */
    public void checkDeadlines() {
        if (owners != null) revoker.checkDeadlines(this);
    }

    /** At every kernel entry, for the environment on the CPU: its pending blk-revoke or blk-repossess event. */
    public void deliverPending(Environment e) {
        if (owners != null) revoker.deliverPending(e);
    }

    /** blk_repossessed: the oldest block taken from e by force. */
    public int repossessed(Environment e) {
        table();
        return revoker.takeRepossessed(e);
    }

    /** blk_usage: {blocks e's id holds, its quota, free blocks}. */
    public int[] usage(Environment e) {
        BlockOwners t = table();
        return new int[] {t.heldBy(e.id), quota, t.freeBlocks()};
    }

    /**
     * The monitor's view of the disk: the device and its queue (requests in flight in service
     * order, with who asked), completions not yet taken, revocations outstanding, blocks by
     * owner. Reading it charges nothing and changes nothing.
     */
    public String describe() {
        if (owners == null) return "no disk (start with --disk FILE)\n";
        StringBuilder b = new StringBuilder();
        b.append(String.format("disk: %d blocks, root block %d, %d free; %d written blocks not yet flushed, %d flushes done; block quota %d%n",
                owners.blocks(), owners.root(), owners.freeBlocks(), disk.unflushedBlocks(), disk.flushes(), quota));
        // Done but not yet taken by the interrupt (it is raised before the next instruction), then queued.
        List<Disk.Request> shown = new ArrayList<>();
        for (Disk.Completion c : disk.completed()) shown.add(c.request());
        int done = shown.size();
        shown.addAll(disk.inFlight());
        b.append(shown.isEmpty() ? "no requests in flight\n" : String.format("requests in flight (%d queued of at most %d, served in order):%n", shown.size() - done, Disk.MAX_QUEUED));
        if (!shown.isEmpty()) b.append("   tag  op      block   page   completes at cycle  for\n");
        for (int i = 0; i < shown.size(); i++) {
            Disk.Request r = shown.get(i);
            InFlight f = inFlight.get(r.tag());
            boolean flush = r.op() == Disk.FLUSH;
            b.append(String.format("  %4d  %-5s  %6s  %5s  %19d  %s%s%n", r.tag(), Disk.opName(r.op()), flush ? "-" : Integer.toString(r.block()),
                    flush ? "-" : Integer.toString(r.ppn()), r.due(), f == null ? "(cancelled)" : f.env(), i < done ? ", done: interrupt pending" : ""));
        }
        for (Environment e : envs.all()) {                 // in ASID order: the view is the same every time
            ArrayDeque<long[]> q = completions.get(e);
            if (q == null) continue;
            StringBuilder tags = new StringBuilder();
            for (long[] c : q) tags.append(tags.length() == 0 ? "" : ", ").append("tag ").append(c[0]).append(c[1] == DONE_OK ? " ok" : " E_IO");
            b.append("completions waiting for blk_done, ").append(e).append(": ").append(tags).append('\n');
        }
        for (Environment e : envs.all()) {
            int asked = revoker.outstanding(e);
            if (asked >= 0) b.append(e).append(": asked to give back block ").append(asked).append('\n');
        }
        b.append("blocks by owner:\n");
        for (String line : owners.ownerLines()) b.append("  ").append(line).append('\n');
        return b.toString();
    }

    /** Requests of e's not yet completed. */
    public int inFlight(Environment e) {
        int n = 0;
        for (InFlight f : inFlight.values()) if (f.env() == e) n++;
        return n;
    }

    /**
     * The device interrupt, taken while current would execute pc: each finished request is
     * queued for its requester (its page unpinned), and forwarded to the requester if it is on
     * the CPU with a handler for the cause.
     */
    public void interrupt(Environment current, int pc) {
        int forwardTag = 0;
        for (Disk.Completion c; (c = disk.takeCompleted()) != null; ) {
            cost.charge(CostModel.TABLE_TOUCH);
            InFlight f = inFlight.remove(c.request().tag());
            if (stats.tracer != null) {
                Disk.Request r = c.request();
                stats.tracer.diskCompleted(f == null ? 0 : f.env().id, r.tag(), Disk.opName(r.op()), r.op() == Disk.FLUSH ? -1 : r.block(), c.status() == Disk.OK);
            }
            if (f == null) continue;                      // its requester was destroyed
            settle(f);
            int status = c.status() == Disk.OK ? DONE_OK : KernelError.IO.code;
            completions.computeIfAbsent(f.env(), k -> new ArrayDeque<>()).addLast(new long[] {c.request().tag(), status});
            if (f.env() == current) forwardTag = c.request().tag();
        }
        if (forwardTag != 0 && current.handler[Cause.DISK.code] != 0 && mayUpcall(current, pc)) {
            // A kernel event with an argument, as revocation is: the tag goes where BADVADDR would.
            forwarder.forwardEvent(current, Cause.DISK.code, pc, forwardTag);
        }
    }

    /**
     * Whether an upcall at pc leaves e's k0/k1 alone: not in its epilogue, not at an entry whose
     * k0/k1 the kernel just loaded (prologue, IPC entry), not inside a handler (as the revoker asks).
     */
    private boolean mayUpcall(Environment e, int pc) {
        if (e.inEpilogue || (pc == e.prologue && pc != 0) || (pc == e.ipcEntry && pc != 0)) return false;
        return forwarder.safeToUpcall(e, pc);
    }

    private void settle(InFlight f) {
        if (f.ppn() < 0) return;
        pages.unpin(f.ppn());
        blockRequests.computeIfPresent(f.block(), (k, n) -> n == 1 ? null : n - 1);
    }

    /** e is being destroyed: its requests are cancelled (or, if already done, settled) and its completions dropped. */
    public void releaseAll(Environment e) {
        if (disk == null) return;
        List<Integer> tags = new ArrayList<>();
        for (Map.Entry<Integer, InFlight> f : inFlight.entrySet()) if (f.getValue().env() == e) tags.add(f.getKey());
        for (int tag : tags) {
            disk.cancel(tag);
            settle(inFlight.remove(tag));
            cost.charge(CostModel.TABLE_TOUCH);
        }
        completions.remove(e);
        revoker.forget(e);
    }
}
