# Wild arguments get error codes, not crashes: write from an unmapped buffer (EFAULT), to a
# bad descriptor (EBADF), an unknown call (ENOSYS), mprotect of an unmapped range (ENOMEM).
# Exits with 0 if every call failed with the documented error.
        .include "unix/unix.inc"
        .extern write, mprotect
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      s1, 0
        li      a0, 1
        li      a1, 0x50000000
        li      a2, 16
        call    write
        addi    a0, a0, EFAULT
        or      s1, s1, a0
        li      a0, 9
        la      a1, main
        li      a2, 1
        call    write
        addi    a0, a0, EBADF
        or      s1, s1, a0
        syscall 999
        addi    a0, a0, ENOSYS
        or      s1, s1, a0
        li      a0, 0x50000000
        li      a1, 4096
        li      a2, PROT_READ
        call    mprotect
        addi    a0, a0, ENOMEM
        or      s1, s1, a0
        mv      a0, s1
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
