# Start-up for programs on the baseline kernel: argc in a0, argv in a1, sp below them;
# main(argc, argv) returns the exit status.
        .include "unix/unix.inc"
        .text
        .globl  _start
        .extern main
_start:
        call    main
        syscall SYS_EXIT
