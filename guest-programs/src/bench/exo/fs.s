# fs: the file-system workloads of ../fs-workloads.inc (variant = argv[2]) on the library OS's file system its runtime list links (fs_ext.s or
# fs_log.s; exo.benchmark.FsBench.FILE_SYSTEMS names the list). ops = what the workload reports.
        .include "exo/kernel.inc"
        .include "libos/fs.inc"
        .include "harness.inc"
        .extern fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_unlink, fs_fsync, fs_sync
        .include "../fs-workloads.inc"
        .globl  main
main:
        push    ra
        call    bench_args
        call    fsw_run
        bltz    a0, 1f
        call    bench_report
        li      a0, 0
        pop     ra
        ret
1:      sub     a0, zero, a0            # the error's errno as the exit status
        pop     ra
        ret
