# autoprot: faults on protected pages resolved in the kernel by the library OS's downloaded
# protection handler (vm_download_protect_handler, docs/libos.md), with no upcall. Pages 0..7
# are marked PTE_AUTO. Unprotect mode: protect the eight against any access and read them (eight
# faults, all resolved in the kernel). One-open mode: each fault also protects the page opened
# before, so reading 0, 1, 0, 1, 0 faults five times; the heap then grows below the pages (with
# the linear page table every record moves) and 2, 0 still fault once each; a write to page 3
# protected read-only is resolved too. A protected page not marked, and a marked page never
# touched, still reach the program's fault handler. With either page table the output is the same.
# expect: vm_download_protect_handler returned 0
# expect: unprotect mode: sum 28, 8 resolved in the kernel, 0 upcalls
# expect: one open page: 5 resolved in the kernel, 0 upcalls
# expect: after the heap grew: 7 resolved in the kernel
# expect: write to a read-only page: 8 resolved in the kernel, page 3 holds 99
# expect: not marked, never touched: 2 upcalls
        .include "libos/libos.inc"
        .extern printf, vm_alloc, vm_protect, vm_protect_none, vm_unprotect, vm_set_flags, malloc
        .extern vm_set_light_fault_handler, vm_download_protect_handler, vm_auto_faults
.equ PAGES, 16
        .data
        .align  4
base:    .word 0
upcalls: .word 0
        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        la      a0, on_fault
        call    vm_set_light_fault_handler
        li      a0, PAGES
        call    vm_alloc
        mv      s1, a0
        swg     s1, base, t0
        mv      t0, s1                  # page i holds i
        li      t1, 0
1:      sw      t1, 0(t0)
        addi    t0, t0, PAGE_SIZE
        addi    t1, t1, 1
        li      t2, PAGES
        bne     t1, t2, 1b
        mv      a0, s1
        li      a1, 8
        li      a2, PTE_AUTO
        li      a3, 0
        call    vm_set_flags
        li      a0, VM_AUTO_UNPROTECT
        call    vm_download_protect_handler
        mv      a1, a0
        la      a0, m_down
        call    printf

        mv      a0, s1                  # unprotect mode
        li      a1, 8
        call    vm_protect_none
        li      s2, 0
        li      t0, 0
2:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s1
        lw      t1, 0(t1)               # faults: unprotected in the kernel
        add     s2, s2, t1
        addi    t0, t0, 1
        li      t1, 8
        bne     t0, t1, 2b
        mv      a1, s2
        lwg     a2, vm_auto_faults
        lwg     a3, upcalls
        la      a0, m_unprot
        call    printf

        li      a0, VM_AUTO_ONE_OPEN    # one-open mode
        call    vm_download_protect_handler
        swg     zero, vm_auto_faults, t0
        mv      a0, s1
        li      a1, 8
        call    vm_protect_none
        li      a0, 0
        call    touch
        li      a0, 1
        call    touch
        li      a0, 0
        call    touch
        li      a0, 1
        call    touch
        li      a0, 0
        call    touch
        lwg     a1, vm_auto_faults
        lwg     a2, upcalls
        la      a0, m_open
        call    printf

        li      a0, 16 * PAGE_SIZE      # the heap grows: records below page 0's
        call    malloc
        li      a0, 2
        call    touch
        li      a0, 0
        call    touch
        lwg     a1, vm_auto_faults
        la      a0, m_heap
        call    printf

        addi    a0, s1, 3 * PAGE_SIZE   # a write to a read-only page
        li      a1, 1
        call    vm_protect
        li      t0, 99
        sw      t0, 3 * PAGE_SIZE(s1)
        lwg     a1, vm_auto_faults
        lw      a2, 3 * PAGE_SIZE(s1)
        la      a0, m_write
        call    printf

        li      a0, 8 * PAGE_SIZE       # page 8, not marked: the program's handler
        add     s2, s1, a0
        mv      a0, s2
        li      a1, 1
        call    vm_protect_none
        lw      t0, 0(s2)
        li      a0, 1                   # marked but never touched: declined, the program's handler
        call    vm_alloc
        mv      s2, a0
        li      a1, 1
        li      a2, PTE_AUTO
        li      a3, 0
        call    vm_set_flags
        mv      a0, s2
        li      a1, 1
        call    vm_protect_none
        lw      t0, 0(s2)
        lwg     a1, upcalls
        la      a0, m_app
        call    printf
        li      a0, 0
        call    vm_download_protect_handler
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# touch(i): reads page i.
touch:
        slli    a0, a0, PAGE_SHIFT
        lwg     t0, base
        add     a0, a0, t0
        lw      a0, 0(a0)
        ret

# on_fault(frame, va, cause): counts the upcall, unprotects the page, retries.
on_fault:
        enter   16
        lwg     t0, upcalls
        addi    t0, t0, 1
        swg     t0, upcalls, t1
        mv      a0, a1
        li      a1, 1
        call    vm_unprotect
        li      a0, 1
        leave   16

        .rodata
m_down:   .asciz "vm_download_protect_handler returned %d\n"
m_unprot: .asciz "unprotect mode: sum %d, %d resolved in the kernel, %d upcalls\n"
m_open:   .asciz "one open page: %d resolved in the kernel, %d upcalls\n"
m_heap:   .asciz "after the heap grew: %d resolved in the kernel\n"
m_write:  .asciz "write to a read-only page: %d resolved in the kernel, page 3 holds %d\n"
m_app:    .asciz "not marked, never touched: %d upcalls\n"
