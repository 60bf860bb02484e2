package exo.kernel.disk;

import exo.emulator.machine.Cpu;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.kernel.forward.Forwarder;
import exo.os.CostModel;
import exo.os.KernelOptions;
import exo.os.Stats;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Visible revocation of disk blocks, the protocol pages follow ({@link exo.kernel.revoke.Revoker}):
 * the kernel asks an environment for a block back by delivering a {@code blk-revoke} event
 * (BADVADDR = the block number) to its handler; the environment frees that block, or any of
 * its blocks, with blk_free. If it still holds the block when the deadline
 * ({@code options.revokeDeadline()}) passes, the kernel frees it by force — both capabilities
 * go stale, the contents stay as they are — records it in the environment's block
 * repossession vector ({@link #VECTOR} entries, popped by blk_repossessed) and delivers a
 * {@code blk-repossess} event. A block with a request in flight is not taken until the request
 * completes. Without handlers the events are skipped, not fatal.
 *
 * <p>The kernel asks when blk_alloc finds no free block: the live environment (other than the
 * caller) whose id holds the most blocks gives up its highest-numbered idle one. At most one
 * request per environment is outstanding. Deadlines are checked at every kernel entry, as the
 * page revoker's are, and cost nothing while no request is outstanding.
 */
public final class BlockRevoker {
    /** Entries kept in an environment's block repossession vector; older ones are dropped. */
    public static final int VECTOR = 16;

    /** An outstanding request: the block asked for, by when, whether the event was delivered, blocks held when asked. */
    private static final class Request {
        final int block;
        final long deadline;
        final int heldAtRequest;
        boolean delivered;

        Request(int block, long deadline, int heldAtRequest) {
            this.block = block;
            this.deadline = deadline;
            this.heldAtRequest = heldAtRequest;
        }
    }

    private final Cpu cpu;
    private final KernelOptions options;
    private final CostModel cost;
    private final Stats stats;
    private final Forwarder forwarder;
    private final Consumer<String> log;
    private final Map<Environment, Request> requests = new LinkedHashMap<>();
    private final Map<Environment, ArrayDeque<Integer>> repossessed = new LinkedHashMap<>();
    private final Map<Environment, Integer> repossessEvent = new LinkedHashMap<>();

    BlockRevoker(Cpu cpu, KernelOptions options, CostModel cost, Stats stats, Forwarder forwarder, Consumer<String> log) {
        this.cpu = cpu;
        this.options = options;
        this.cost = cost;
        this.stats = stats;
        this.forwarder = forwarder;
        this.log = log;
    }

    /**
     * Asks e for block b by the deadline. Returns false (nothing asked) if e's id does not own
     * b, a request on b is in flight, or e has a request outstanding.
     */
    boolean request(Blocks blocks, Environment e, int b) {
        BlockOwners t = blocks.owners();
        if (t == null || !e.alive() || !t.isData(b) || t.owner(b) != e.id || blocks.busy(b) || requests.containsKey(e)) return false;
        Request r = new Request(b, cpu.cycles + options.revokeDeadline(), t.heldBy(e.id));
        requests.put(e, r);
        log.accept(e + ": asked to give back disk block " + b + " by cycle " + r.deadline);
        if (stats.tracer != null) stats.tracer.blockRevocation(e.id, "request", b);
        return true;
    }

    /** The disk is full serving requester: ask the live environment holding the most blocks for its highest idle one. */
    void reclaimFor(Blocks blocks, Iterable<Environment> live, Environment requester) {
        BlockOwners t = blocks.owners();
        Environment victim = null;
        for (Environment e : live) {
            if (e == requester || !e.alive() || requests.containsKey(e) || t.heldBy(e.id) == 0) continue;
            if (victim == null || t.heldBy(e.id) > t.heldBy(victim.id)) victim = e;
        }
        if (victim == null) return;
        for (int b = t.blocks() - 1; b >= t.firstData(); b--) {
            cost.charge(CostModel.TABLE_TOUCH);
            if (t.owner(b) == victim.id && !blocks.busy(b)) {
                request(blocks, victim, b);
                return;
            }
        }
    }

    /** Retires requests that were honoured and repossesses blocks whose deadline passed. */
    void checkDeadlines(Blocks blocks) {
        if (requests.isEmpty()) return;
        BlockOwners t = blocks.owners();
        for (var it = requests.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            Environment e = entry.getKey();
            Request r = entry.getValue();
            cost.charge(CostModel.TABLE_TOUCH);
            if (t.owner(r.block) != e.id || t.heldBy(e.id) < r.heldAtRequest) {
                it.remove();
                log.accept(e + ": gave back a disk block as asked");
                if (stats.tracer != null) stats.tracer.blockRevocation(e.id, "honoured", r.block);
            } else if (cpu.cycles >= r.deadline && !blocks.busy(r.block)) {
                it.remove();
                t.release(r.block);
                ArrayDeque<Integer> v = repossessed.computeIfAbsent(e, k -> new ArrayDeque<>());
                if (v.size() == VECTOR) v.removeFirst();
                v.addLast(r.block);
                repossessEvent.put(e, r.block);
                log.accept(e + ": disk block " + r.block + " repossessed after the revocation deadline");
                if (stats.tracer != null) stats.tracer.blockRevocation(e.id, "repossessed", r.block);
            }
        }
    }

    /** Delivers e's pending blk-revoke or blk-repossess event if an upcall is safe now (the page revoker's rule). */
    void deliverPending(Environment e) {
        Request r = requests.get(e);
        Integer taken = repossessEvent.get(e);
        if ((r == null || r.delivered) && taken == null) return;
        int pc = cpu.pc;
        if (e.inEpilogue || (pc == e.prologue && pc != 0) || (pc == e.ipcEntry && pc != 0) || !forwarder.safeToUpcall(e, pc)) return;
        if (taken != null) {
            repossessEvent.remove(e);
            if (e.handler[KernelEvent.BLK_REPOSSESS] != 0) forwarder.forwardEvent(e, KernelEvent.BLK_REPOSSESS, pc, taken);
        } else {
            r.delivered = true;
            if (e.handler[KernelEvent.BLK_REVOKE] != 0) forwarder.forwardEvent(e, KernelEvent.BLK_REVOKE, pc, r.block);
        }
    }

    /** Pops e's oldest repossessed block; E_NOTFOUND if none is left. */
    int takeRepossessed(Environment e) {
        ArrayDeque<Integer> v = repossessed.get(e);
        if (v == null || v.isEmpty()) throw new GuestError(KernelError.NOTFOUND);
        int b = v.pollFirst();
        if (v.isEmpty()) repossessed.remove(e);
        return b;
    }

    /** e's outstanding request's block, or -1 (for the monitor and tests). */
    int outstanding(Environment e) {
        Request r = requests.get(e);
        return r == null ? -1 : r.block;
    }

    /** The cycle by which e must give back the block asked for (e has a request outstanding). */
    long deadline(Environment e) {
        return requests.get(e).deadline;
    }

    /** e is being destroyed: its request, vector and pending event are forgotten. */
    void forget(Environment e) {
        requests.remove(e);
        repossessed.remove(e);
        repossessEvent.remove(e);
    }
}
