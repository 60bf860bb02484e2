# faults: every exception cause a program can raise is forwarded by the kernel to a handler in
# this program, which reports it and recovers: TLB misses on unreserved pages get a page,
# protection faults unprotect, bad fetches return to the caller, the rest skip the faulting
# instruction. The last one happens inside a handler (a nested exception). A bus error cannot
# be caused from a guest: the kernel never maps a page beyond installed memory.
# expect: tlb-load at 0x58000000: page reserved, read 0
# expect: tlb-store at 0x58001000: page reserved, read back 42
# expect: prot-store at 0x58000000: unprotected, read back 7
# expect: tlb-fetch at 0x58400000: returned to the caller
# expect: prot-fetch: returned to the caller
# expect: addr-load at 0x58000002: skipped
# expect: addr-store at 0x58000006: skipped
# expect: addr-fetch: returned to the caller
# expect: illegal: skipped
# expect: overflow: skipped
# expect: divzero: skipped
# expect: break: skipped; inside the handler:
# expect: tlb-load at 0x58800000: page reserved (nested at depth 2)
# expect: 13 exceptions handled
        .include "libos/libos.inc"
        .extern printf, vm_set_fault_handler, exc_set_handler, vm_reserve, vm_protect, vm_unprotect
        .extern cause_name, exc_depth, putc
.equ PAGE_A, 0x58000000
.equ PAGE_B, 0x58001000

        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        la      a0, on_vm_fault
        call    vm_set_fault_handler
        li      s1, CAUSE_PROT_FETCH
1:      mv      a0, s1
        la      a1, on_exception
        call    exc_set_handler
        addi    s1, s1, 1
        li      t0, CAUSE_BREAK
        ble     s1, t0, 1b

        li      t0, PAGE_A              # tlb-load on a page nobody reserved
        lw      a1, 0(t0)
        la      a0, m_read
        call    printf
        li      t0, PAGE_B              # tlb-store
        li      t1, 42
        sw      t1, 0(t0)
        lw      a1, 0(t0)
        la      a0, m_readback
        call    printf
        li      a0, PAGE_A              # prot-store on a protected page
        li      a1, 1
        call    vm_protect
        li      t0, PAGE_A
        li      t1, 7
        sw      t1, 0(t0)
        lw      a1, 0(t0)
        la      a0, m_readback
        call    printf
        li      t0, 0x58400000          # tlb-fetch: call into nothing
        jalr    ra, 0(t0)
        li      t0, PAGE_A              # prot-fetch: call into a data page
        jalr    ra, 0(t0)
        li      t0, PAGE_A + 2          # addr-load
        lw      t1, 0(t0)
        li      t0, PAGE_A + 6          # addr-store
        sw      t1, 0(t0)
        la      t0, main + 2            # addr-fetch
        jalr    ra, 0(t0)
        .word   0xFFFFFFFF              # illegal
        li      t0, 0x7FFFFFFF          # overflow
        addo    t1, t0, t0
        li      t0, 1                   # divzero
        div     t1, t0, zero
        break   7                       # break; its handler faults in turn

        la      t0, handled
        lw      a1, 0(t0)
        la      a0, m_total
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# on_vm_fault(frame, va, cause): faults the VM system leaves to the application.
on_vm_fault:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        call    count
        mv      a0, s3
        call    cause_name
        mv      a1, a0
        la      a0, m_at
        mv      a2, s2
        call    printf
        li      t0, CAUSE_TLB_FETCH
        bne     s3, t0, 1f
        lw      t0, FR_RA(s1)           # a call into nothing: return to the caller
        sw      t0, FR_EPC(s1)
        la      a0, m_returned
        call    printf
        j       3f
1:      li      t0, CAUSE_PROT_STORE
        bne     s3, t0, 2f
        mv      a0, s2
        li      a1, 1
        call    vm_unprotect
        la      a0, m_unprotected
        call    printf
        j       3f
2:      srli    a0, s2, 12              # a miss on an unreserved page: reserve it
        slli    a0, a0, 12
        li      a1, 1
        li      a2, PTE_W
        call    vm_reserve
        la      a0, m_reserved
        call    printf
        la      t0, exc_depth
        lw      a1, 0(t0)
        li      t1, 1
        beq     a1, t1, 3f
        la      a0, m_nested
        call    printf
3:      li      a0, 1                   # retry
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# on_exception(frame): every other cause.
on_exception:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        call    count
        lw      s2, FR_CAUSE(s1)
        mv      a0, s2
        call    cause_name
        mv      a1, a0
        la      a0, m_name
        call    printf
        li      t0, CAUSE_PROT_FETCH
        beq     s2, t0, 1f
        li      t0, CAUSE_ADDR_FETCH
        beq     s2, t0, 1f
        li      t0, CAUSE_ADDR_FETCH - 2
        blt     s2, t0, 2f
        li      t0, CAUSE_ADDR_FETCH
        bge     s2, t0, 2f
        la      a0, m_at_only           # addr-load / addr-store: show the address
        lw      a1, FR_BADVA(s1)
        call    printf
2:      lw      t0, FR_EPC(s1)          # skip the instruction
        addi    t0, t0, 4
        sw      t0, FR_EPC(s1)
        la      a0, m_skipped
        call    printf
        li      t0, CAUSE_BREAK
        beq     s2, t0, 4f
        li      a0, '\n'
        call    putc
        j       3f
4:      la      a0, m_inside
        call    printf
        li      t0, 0x58800000          # a fault inside this handler
        lw      t1, 0(t0)
        j       3f
1:      lw      t0, FR_RA(s1)
        sw      t0, FR_EPC(s1)
        la      a0, m_returned_nl
        call    printf
3:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

count:
        la      t0, handled
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        ret

        .rodata
m_read:        .asciz ", read %d\n"
m_readback:    .asciz ", read back %d\n"
m_at:          .asciz "%s at 0x%08x: "
m_returned:    .asciz "returned to the caller\n"
m_unprotected: .asciz "unprotected"
m_reserved:    .asciz "page reserved"
m_nested:      .asciz " (nested at depth %d)\n"
m_name:        .asciz "%s"
m_at_only:     .asciz " at 0x%08x"
m_skipped:     .asciz ": skipped"
m_inside:      .asciz "; inside the handler:\n"
m_returned_nl: .asciz ": returned to the caller\n"
m_total:       .asciz "%d exceptions handled\n"

        .bss
        .align  4
handled: .space 4
