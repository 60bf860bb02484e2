package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.machine.Disk;
import exo.kernel.disk.BlockOwners;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host process killed (SIGKILL) at random moments of a write workload (test resource
 * disk/churn.s: allocate, write, flush; point the root block at it, flush; free the old block,
 * flush): each time the image mounts, and the root block names a block that the kernel's table
 * says is allocated, under the capability the root holds, with the contents the root says.
 */
class DiskCrashTest {
    static final int MAGIC = 0x4e525543;

    @TempDir
    Path dir;

    @Test
    void killedAtAnyMomentTheImageMountsAndAgreesWithItsRoot() throws Exception {
        Path churn = Path.of(DiskCrashTest.class.getResource("/disk/churn.s").toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(16);
        for (int trial = 0; trial < 4; trial++) {
            Path img = dir.resolve("crash" + trial + ".img");
            Process p = new ProcessBuilder(List.of(java, "-Xss16m", "-cp", System.getProperty("java.class.path"), "exo.cli.Main",
                    "run", "--disk", img.toString(), "--disk-create", "64K", churn.toString()))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }).get(120, TimeUnit.SECONDS);
                assertEquals("churning", first, "the workload started");
                Thread.sleep(rnd.nextInt(1, 300));
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
            Disk d = Disk.open(img);
            try {
                BlockOwners t = BlockOwners.mount(d, 1);
                byte[] root = new byte[Disk.BLOCK_SIZE];
                d.readBlock(t.root(), root);
                ByteBuffer r = ByteBuffer.wrap(root).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(MAGIC, r.getInt(0), "the first round's root write was flushed before 'churning'");
                int n = r.getInt(4), block = r.getInt(8);
                long cap = (r.getInt(12) & 0xFFFFFFFFL) | ((long) r.getInt(16) << 32);
                assertTrue(n >= 1);
                assertTrue(t.isData(block), "block " + block);
                assertNotEquals(BlockOwners.FREE, t.owner(block), "the root's block is allocated in the durable table");
                assertEquals(cap, t.rwToken(block), "under the capability the root holds");
                byte[] data = new byte[Disk.BLOCK_SIZE];
                d.readBlock(block, data);
                assertEquals(n, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "its contents are durable too");
                assertTrue(t.freeBlocks() >= t.blocks() - t.firstData() - 2, "at most the named block and one being replaced are allocated");
            } finally {
                d.close();
            }
        }
    }
}
