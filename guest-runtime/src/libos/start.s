# start.s: the library OS's start-up and exit.
#
# The loader leaves a0 = argc, a1 = argv, sp 16-byte aligned below them (docs/kernel-abi.md,
# "Start-up"). _start installs the exception machinery, virtual memory and the console, then
# calls main(argc, argv) and exits with its result.
        .include "libos.inc"
        .extern cons_flush, exc_init, fork_child_exiting, print, puts, vm_init

        .text
        .globl  _start
        .extern main
_start:
        mv      s1, a0
        mv      s2, a1
        mv      fp, zero                # the outermost frame: backtraces stop at fp = 0
        call    exc_init
        call    vm_init
        mv      a0, s1
        mv      a1, s2
        call    main
        call    exit

# exit(status): runs the exit hook (a mounted file system makes itself durable there: fs.inc),
# flushes console output, tells a waiting parent (fork), ends the environment.
        .globl  exit
exit:
        mv      s1, a0
        la      t1, exit_hook
        lw      t0, 0(t1)
        beqz    t0, 1f
        sw      zero, 0(t1)             # once: a hook that exits does not run itself again
        jalr    ra, 0(t0)
1:      call    cons_flush
        mv      a0, s1
        call    fork_child_exiting
        mv      a0, s1
        sys_env_exit

# panic(message): prints "libos: <message>" and exits with status 127.
        .globl  panic
panic:
        mv      s1, a0
        la      a0, panic_prefix
        call    print
        mv      a0, s1
        call    puts
        li      a0, 127
        call    exit

# exit_hook: 0, or a function exit calls (once) before anything else; fs_mount sets it to fs_sync.
        .bss
        .globl  exit_hook
        .align  2
exit_hook:
        .space  4

        .rodata
panic_prefix:
        .asciz  "libos: "
