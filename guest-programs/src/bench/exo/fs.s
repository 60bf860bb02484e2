# fs: the file-system workloads of ../fs-workloads.inc (variant = argv[2]) on the library OS's file system its runtime list links (fs_ext.s or
# fs_log.s; exo.benchmark.FsBench.FILE_SYSTEMS names the list). ops = what the workload reports.
        .include "exo/kernel.inc"
        .include "harness.inc"
        .include "../fs-workloads.inc"
