# except: exception dispatch round trip. Variant (argv[2]): 0 misaligned load, 1 overflow,
# 2 divide by zero, 3 store to a read-only page, 4 breakpoint. The kernel forwards each fault
# to a user handler, which counts it, preserves every register it uses and resumes past the
# faulting instruction with jr k0. ops = faults the handler saw.
        .include "exo/kernel.inc"
        .include "harness.inc"
.equ RO_PAGE, 0x40000000
        .data
        .align  32
save:   .word 0, 0, 0, 0                # the save area (SAVE_*), in a guaranteed data page
        .word 0                         # save + 16: the handler's scratch for t0
        .word 0                         # save + 20: faults handled
word:   .word 0, 0
causes: .word CAUSE_ADDR_LOAD, CAUSE_OVERFLOW, CAUSE_DIVZERO, CAUSE_PROT_STORE, CAUSE_BREAK
        .text
        .globl  main
main:
        push    ra, s0, s1, s2
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        li      a0, 0
        li      a1, 0
        li      a2, 0
        la      a3, save
        syscall SYS_ENV_SET_SAVE_AREA
        bnez    a0, fail
        slli    t0, s1, 2
        la      t1, causes
        add     t0, t0, t1
        lw      a3, 0(t0)
        li      a0, 0
        li      a1, 0
        li      a2, 0
        la      a4, handler
        syscall SYS_ENV_SET_HANDLER
        bnez    a0, fail
        li      a0, 0                   # a read-only page for the protection fault
        li      a1, 0
        li      a2, 0
        li      a3, -1
        syscall SYS_PAGE_ALLOC
        bltz    a0, fail
        mv      t0, a0
        mv      t1, a1
        li      a0, RO_PAGE
        mv      a1, t0
        mv      a3, a2
        mv      a2, t1
        li      a4, 0
        syscall SYS_TLB_WRITE
        bnez    a0, fail
        .include "../except-loops.inc"
done:   call    bench_end
        la      t0, save
        lw      a0, 20(t0)
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2
        ret

# The handler: k0 = EPC, k1 = the save area. Preserves t0; skips the faulting instruction.
handler:
        sw      t0, 16(k1)
        lw      t0, 20(k1)
        addi    t0, t0, 1
        sw      t0, 20(k1)
        lw      t0, 16(k1)
        addi    k0, k0, 4
        sw      zero, SAVE_BUSY(k1)
        jr      k0
