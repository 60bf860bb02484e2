# fs: the file-system workloads of ../fs-workloads.inc (variant = argv[2]) on the baseline kernel's in-kernel file system, through fs.inc's shim
# (unix/fs.s). ops = what the workload reports.
        .include "unix/unix.inc"
        .include "harness.inc"
        .include "../fs-workloads.inc"
