package exo.cli;

import exo.emulator.machine.Disk;
import exo.os.KernelOptions;
import exo.system.KernelKind;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The disk options of {@code exo run} and {@code exo debug}: the image, its creation, the block quota (docs/disks.md). */
public final class DiskOptions {
    @Option(names = "--disk", paramLabel = "FILE",
            description = "attach a block device backed by the disk image FILE (docs/disks.md); exokernel only")
    Path disk;

    @Option(names = "--disk-create", paramLabel = "SIZE", converter = RunCommand.DiskSize.class,
            description = "create FILE (named by --disk) as a new, empty image of SIZE bytes (K, M or G; whole 4 KiB blocks, at most 1G) first; refuses to overwrite a file that exists")
    Long diskCreate;

    @Option(names = "--block-quota", paramLabel = "N",
            description = "disk blocks one environment may hold; blk_alloc answers E_LIMIT beyond it (default: "
                + KernelOptions.DEFAULT_BLOCKS_PER_ENV + ", 256 MiB)")
    Integer blockQuota;

    /** Checks what picocli cannot: --disk-create and --block-quota need --disk, and only the exokernel has a disk. */
    void validate(CommandLine cl, KernelKind kernel) {
        if (diskCreate != null && disk == null) throw new CommandLine.ParameterException(cl, "--disk-create needs --disk FILE to name the image");
        if (blockQuota != null && disk == null) throw new CommandLine.ParameterException(cl, "--block-quota needs --disk FILE: it limits disk blocks");
        if (blockQuota != null && blockQuota < 0) throw new CommandLine.ParameterException(cl, "--block-quota must be 0 or more, not " + blockQuota);
        if (disk != null && kernel != KernelKind.EXO) {
            throw new CommandLine.ParameterException(cl, "--disk: only the exokernel (--kernel exo) has a disk");
        }
    }

    /** The block quota chosen, or the default. */
    int quota() {
        return blockQuota == null ? KernelOptions.DEFAULT_BLOCKS_PER_ENV : blockQuota;
    }

    /** The image named by --disk, created first (and formatted with seed) if --disk-create asks; null without --disk. */
    Disk open(long seed) {
        if (disk == null) return null;
        return diskCreate == null ? Disk.open(disk) : DiskCommand.createImage(disk, diskCreate, seed);
    }
}
