# Forwards 1000 overflow exceptions to a user-level handler, which skips the faulting
# instruction and returns by itself (jr k0): the kernel.inc stubs and save-area layout in use.
        .include "exo/kernel.inc"
        .data
        .align 4
save:   .space SAVE_SIZE
        .text
        .globl main
main:
        li      a0, 0
        li      a3, CAUSE_OVERFLOW
        la      a4, handler
        sys_env_set_handler
        li      a0, 0
        la      a3, save
        sys_env_set_save_area
        li      t0, 0x7fffffff
        li      t1, 1000
loop:   addio   t2, t0, 1
        addi    t1, t1, -1
        bne     t1, zero, loop
        li      a0, 0
        ret
handler:
        addi    k0, k0, 4
        sw      zero, SAVE_BUSY(k1)
        jr      k0
