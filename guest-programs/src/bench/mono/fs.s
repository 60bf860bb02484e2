# fs: the file-system workloads of ../fs-workloads.inc (variant = argv[2]) on the baseline kernel's in-kernel file system, through fs.inc's shim
# (unix/fs.s). ops = what the workload reports.
        .include "unix/unix.inc"
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
