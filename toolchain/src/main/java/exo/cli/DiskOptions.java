package exo.cli;

import exo.baseline.Fsck;
import exo.baseline.MonoKernel;
import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.os.KernelOptions;
import exo.system.KernelKind;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The disk options of {@code exo run} and {@code exo debug}: the image, its creation, the block quota (docs/disks.md). */
public final class DiskOptions {
    @Option(names = "--disk", paramLabel = "FILE",
            description = "attach a block device backed by the disk image FILE (docs/disks.md; with --kernel mono, docs/baseline.md)")
    Path disk;

    @Option(names = "--disk-create", paramLabel = "SIZE", converter = RunCommand.DiskSize.class,
            description = "create FILE (named by --disk) as a new, empty image of SIZE bytes (K, M or G; whole 4 KiB blocks, at most 1G) first; refuses to overwrite a file that exists")
    Long diskCreate;

    @Option(names = "--block-quota", paramLabel = "N",
            description = "disk blocks one environment may hold; blk_alloc answers E_LIMIT beyond it (default: "
                + KernelOptions.DEFAULT_BLOCKS_PER_ENV + ", 256 MiB)")
    Integer blockQuota;

    /** Checks what picocli cannot: --disk-create and --block-quota need --disk, and only the exokernel has block quotas. */
    void validate(CommandLine cl, KernelKind kernel) {
        if (diskCreate != null && disk == null) throw new CommandLine.ParameterException(cl, "--disk-create needs --disk FILE to name the image");
        if (blockQuota != null && disk == null) throw new CommandLine.ParameterException(cl, "--block-quota needs --disk FILE: it limits disk blocks");
        if (blockQuota != null && blockQuota < 0) throw new CommandLine.ParameterException(cl, "--block-quota must be 0 or more, not " + blockQuota);
        if (blockQuota != null && kernel != KernelKind.EXO) {
            throw new CommandLine.ParameterException(cl, "--block-quota: only the exokernel (--kernel exo) exports blocks; the baseline's file system owns the whole disk");
        }
    }

    /** The block quota chosen, or the default. */
    int quota() {
        return blockQuota == null ? KernelOptions.DEFAULT_BLOCKS_PER_ENV : blockQuota;
    }

    /**
     * The image named by --disk for kernel, created first if --disk-create asks (for the
     * exokernel formatted with its table and seed; for --kernel mono left zero, for the kernel to
     * format at boot, and removed again if too small for its file system); null without --disk.
     * The exokernel refuses the baseline's image by name (the baseline refuses the exokernel's).
     */
    Disk open(long seed, KernelKind kernel) {
        if (disk == null) return null;
        if (diskCreate == null) {
            Disk d = Disk.open(disk);
            if (kernel == KernelKind.EXO && Fsck.isMonoImage(d)) {
                d.close();
                throw new DiskException(DiskException.Kind.CORRUPT, disk + ": a baseline kernel's image (MONOFS01), not the exokernel's; use --kernel mono");
            }
            return d;
        }
        if (kernel == KernelKind.EXO) return DiskCommand.createImage(disk, diskCreate, seed);
        return DiskCommand.createImage(disk, diskCreate, MonoKernel::requireDiskRoom);
    }
}
